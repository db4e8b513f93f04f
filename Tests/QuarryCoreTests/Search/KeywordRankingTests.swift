import Foundation
import Testing

@testable import QuarryCore

/// The keyword engine (SQLite FTS5 over ``KeywordTerms``) against a brute-force BM25 scorer
/// on a small fixed corpus of Chinese, English and mixed passages.
@Suite struct KeywordRankingTests {
    static let corpus: [(chapter: String, text: String)] = [
        ("索引 > IVF", "倒排文件索引先用 k-means 聚类，再只在 nprobe 个最近的簇里检索。"),
        ("索引 > PQ", "乘积量化把向量切分成子向量，每个子向量单独量化，压缩率很高。"),
        ("索引 > HNSW", "HNSW 是分层的可导航小世界图，检索快但内存占用大。"),
        ("Milvus", "Milvus 支持 GPU 索引，也支持标量过滤和分区。"),
        ("Milvus", "Milvus does not support joins; filter with scalar fields instead."),
        ("Faiss", "Faiss is a library for efficient similarity search of dense vectors."),
        ("Faiss", "IndexFlatL2 performs exact search; IndexIVFFlat needs training before add."),
        ("向量数据库", "向量数据库存储向量并支持相似度检索，常用于推荐和问答。"),
        ("咖啡", "一杯咖啡配一段代码。"),
    ]

    /// BM25 as FTS5 computes it: k1 1.2, b 0.75, idf floored at 1e-6, lengths in terms.
    static func bruteForceScores(query: String, documents: [[String]]) -> [Double] {
        let terms = KeywordQuery(query).terms
        let averageLength = Double(documents.map(\.count).reduce(0, +)) / Double(documents.count)
        let rowCount = Double(documents.count)
        return documents.map { document in
            terms.reduce(0.0) { score, term in
                let containing = Double(documents.filter { $0.contains(term) }.count)
                let frequency = Double(document.filter { $0 == term }.count)
                guard frequency > 0 else { return score }
                let idf = max(log((rowCount - containing + 0.5) / (containing + 0.5)), 1e-6)
                let saturation = frequency * 2.2 / (frequency + 1.2 * (0.25 + 0.75 * Double(document.count) / averageLength))
                return score + idf * saturation
            }
        }
    }

    @Test(arguments: ["乘积量化", "什么是倒排索引", "Milvus 支持 GPU 吗", "does milvus support joins", "exact search", "咖", "检索", "向量"])
    func ranksAsBruteForceBM25(query: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try PassageStore(url: folder.url.appendingPathComponent("store.sqlite"), dimension: 4)
        let passages = Self.corpus.enumerated().map { PassageStoreTests.passage($0.element.text, chapter: $0.element.chapter, seed: $0.offset) }
        let ids = try store.replaceDocument(source: "course.md", contentHash: "1", passages: passages).addedIDs
        let expected = Self.bruteForceScores(query: query, documents: passages.map { KeywordTerms.documentTerms(of: $0.indexedText) })
        let matching = zip(ids, expected).filter { $0.1 > 0 }
        let ranked = try store.keywordSearch(query, limit: 100)
        #expect(Set(ranked.map(\.id)) == Set(matching.map(\.0)), "matching passages of \(query)")
        for (id, score) in ranked {
            let reference = try #require(matching.first { $0.0 == id }?.1)
            #expect(abs(score - reference) <= 1e-9 * max(1, reference), "passage \(id) of \(query)")
        }
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.score >= $1.score })
    }
}
