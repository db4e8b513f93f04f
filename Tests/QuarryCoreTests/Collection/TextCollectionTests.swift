import Foundation
import Logging
import QuarryCore
import Testing

@Suite(.serialized) struct TextCollectionTests {
    static let logger = Logger(label: "test")

    static let documents = [
        TextDocument(
            source: "ivf.md", contentHash: "1",
            passages: [
                .init(text: "IVF 索引先用 k-means 把向量聚成 nlist 个簇，查询时只搜索 nprobe 个最近的簇。", chapter: "索引 > IVF"),
                .init(text: "nprobe 越大，召回率越高，但查询越慢。", chapter: "索引 > IVF"),
            ]),
        TextDocument(
            source: "hnsw.md", contentHash: "2",
            passages: [
                .init(text: "HNSW 是分层的小世界图，efSearch 控制查询时的候选列表大小。", chapter: "索引 > HNSW")
            ]),
        TextDocument(
            source: "pq.md", contentHash: "3",
            passages: [
                .init(
                    text: "Product quantization splits each vector into sub-vectors and quantizes each one separately.", chapter: "Compression > PQ")
            ]),
    ]

    func makeCollection(in folder: TemporaryFolder) throws -> TextCollection {
        let collection = try TextCollection.create(name: "course", in: folder.url, encoder: TestModels.e5, logger: Self.logger)
        for document in Self.documents { try collection.add(document) }
        return collection
    }

    @Test func searchFindsTheAnsweringPassageInEveryMode() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try makeCollection(in: folder)
        #expect(collection.index.count == 4)
        #expect(try collection.store.passageCount() == 4)
        for mode in SearchMode.allCases {
            let result = try collection.search(TextSearchRequest(query: "HNSW 的 efSearch 参数有什么作用？", topK: 3, mode: mode))
            #expect(result.hits.first?.passage.source == "hnsw.md", "\(mode)")
            #expect(result.hits.map(\.rank) == Array(1...result.hits.count))
        }
        let english = try collection.search(TextSearchRequest(query: "how does product quantization compress vectors", topK: 1, mode: .vector))
        #expect(english.hits.first?.passage.source == "pq.md")
        #expect(english.hits[0].score > 0.5 && english.hits[0].score <= 1.0001)
    }

    @Test func aBatchAnswersEachQuestionAsASingleSearchInOrderOnAnyNumberOfThreads() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try makeCollection(in: folder)
        let requests = ["HNSW 的 efSearch 参数有什么作用？", "how does product quantization compress vectors", "IVF nprobe", "倒排索引"]
            .enumerated().map { TextSearchRequest(query: $0.element, topK: 2, mode: SearchMode.allCases[$0.offset % SearchMode.allCases.count]) }
        let singles = try requests.map { try collection.search($0).hits.map { ($0.passage.id, ($0.score * 1e4).rounded()) } }
        for threads in [1, 2, 3, 8] {
            let batch = try collection.search(batch: requests, threads: threads)
            #expect(batch.count == requests.count)
            for (single, answer) in zip(singles, batch) {
                #expect(answer.hits.map { $0.passage.id } == single.map(\.0), "\(threads) threads")
                #expect(answer.hits.map { ($0.score * 1e4).rounded() } == single.map(\.1), "\(threads) threads")
            }
        }
    }

    @Test func mergeCopiesDocumentsWithTheirVectors() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let target = try TextCollection.create(name: "target", in: folder.url, encoder: TestModels.e5, logger: Self.logger)
        try target.add(Self.documents[0])
        let source = try makeCollection(in: folder)
        #expect(try target.merge(from: source) == Self.documents.count - 1)
        #expect(try target.index.count == 4 && target.store.passageCount() == 4)
        #expect(try target.store.sources() == (try source.store.sources()))
        let hit = try target.search(TextSearchRequest(query: "HNSW 的 efSearch 参数有什么作用？", topK: 1, mode: .vector)).hits.first
        #expect(hit?.passage.source == "hnsw.md" && hit?.passage.chapter == "索引 > HNSW")
        #expect(try target.merge(from: source) == 0)
    }

    @Test func filtersAndMinScore() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try makeCollection(in: folder)
        let ivfOnly = try collection.search(TextSearchRequest(query: "索引", topK: 10, filter: .init(chapter: "索引 > IVF")))
        #expect(!ivfOnly.hits.isEmpty)
        #expect(ivfOnly.hits.allSatisfy { $0.passage.chapter == "索引 > IVF" })
        let source = try collection.search(TextSearchRequest(query: "vector", topK: 10, mode: .vector, filter: .init(source: "pq.md")))
        #expect(source.hits.map(\.passage.source) == ["pq.md"])
        let strict = try collection.search(TextSearchRequest(query: "HNSW", topK: 10, mode: .vector, minScore: 0.99))
        #expect(strict.hits.isEmpty)
    }

    @Test func unchangedDocumentsAreSkippedAndChangedOnesReplaced() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try makeCollection(in: folder)
        #expect(try collection.add(Self.documents[0]) == nil)
        var changed = Self.documents[0]
        changed.contentHash = "1b"
        changed.passages = [.init(text: "IVF 的 nlist 通常取 4·√N 左右。", chapter: "索引 > IVF")]
        let change = try #require(try collection.add(changed))
        #expect(change.removedIDs.count == 2)
        #expect(collection.index.count == 3)
        #expect(try collection.store.passageCount() == 3)
        #expect(try collection.deleteDocument(source: "hnsw.md") == 1)
        #expect(collection.index.count == 2)
        let hits = try collection.search(TextSearchRequest(query: "HNSW efSearch", topK: 5))
        #expect(!hits.hits.contains { $0.passage.source == "hnsw.md" })
    }

    /// Found by the 200,000-operation model run: a document that lost a passage was still
    /// "unchanged" for its file, so re-ingesting the file never brought the passage back.
    @Test func reIngestingADocumentRestoresPassagesDeletedOneByOne() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try makeCollection(in: folder)
        let ivf = try collection.store.allIDs().filter { try collection.store.passages(ids: [$0])[$0]?.source == "ivf.md" }
        #expect(try collection.deletePassages(ids: [ivf[0]]) == [ivf[0]])
        #expect(try #require(try collection.add(Self.documents[0])).addedIDs.count == 2)
        #expect(try collection.store.passageCount() == 4 && collection.index.count == 4)

        #expect(
            try collection.deletePassages(
                ids: try collection.store.allIDs().filter {
                    try collection.store.passages(ids: [$0])[$0]?.source == "hnsw.md"
                }
            ).count == 1)
        #expect(try collection.store.contentHash(of: "hnsw.md") == nil)
        #expect(try collection.add(Self.documents[1]) != nil)
        #expect(try collection.store.passageCount() == 4)
    }

    @Test func reopeningRepairsAMissingOrCorruptIndex() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try makeCollection(in: folder)
        try collection.checkpoint()
        let collectionFolder = collection.folder

        let reopened = try TextCollection.open(folder: collectionFolder, encoder: TestModels.e5, logger: Self.logger)
        #expect(reopened.recovery == LiveIndex.Recovery())
        #expect(reopened.index.count == 4)

        // Rows committed after the last checkpoint are replayed into the index.
        try reopened.add(TextDocument(source: "extra.md", contentHash: "4", passages: [.init(text: "余弦相似度等于归一化向量的内积。")]))
        let replayed = try TextCollection.open(folder: collectionFolder, encoder: TestModels.e5, logger: Self.logger)
        #expect(replayed.recovery.replayed == 1)
        #expect(replayed.index.count == 5)

        // A corrupt index file is rebuilt from the stored vectors.
        let indexURL = collectionFolder.url.appendingPathComponent("index.faiss")
        try Data(repeating: 0x42, count: 100).write(to: indexURL)
        let rebuilt = try TextCollection.open(folder: collectionFolder, encoder: TestModels.e5, logger: Self.logger)
        #expect(rebuilt.recovery.rebuilt)
        #expect(rebuilt.index.count == 5)
        #expect(try rebuilt.search(TextSearchRequest(query: "余弦相似度", topK: 1, mode: .vector)).hits.first?.passage.source == "extra.md")

        try FileManager.default.removeItem(at: indexURL)
        #expect(try TextCollection.open(folder: collectionFolder, encoder: TestModels.e5, logger: Self.logger).recovery.rebuilt)
    }

    @Test func automaticIndexTypeFollowsTheCollectionSize() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try makeCollection(in: folder)
        #expect(collection.configuration.factory == "Flat")
        #expect(collection.configuration.automaticFactory == true)
        let grown = try TextCollection.open(folder: collection.folder, encoder: TestModels.e5, logger: Self.logger, flatLimit: 3)
        #expect(grown.configuration.factory == "HNSW32,Flat")
        #expect(grown.index.current.isHNSW)
        #expect(grown.index.count == 4)
        #expect(try grown.folder.readConfiguration().factory == "HNSW32,Flat")
        let hits = try grown.search(TextSearchRequest(query: "HNSW efSearch", topK: 1, mode: .vector))
        #expect(hits.hits.first?.passage.source == "hnsw.md")

        let chosen = try TextCollection.create(name: "chosen", in: folder.url, encoder: TestModels.e5, factory: "Flat", logger: Self.logger)
        #expect(chosen.configuration.automaticFactory == false)
    }

    @Test func creationErrors() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: CollectionError.invalidName("../x")) {
            try TextCollection.create(name: "../x", in: folder.url, encoder: TestModels.e5, logger: Self.logger)
        }
        _ = try TextCollection.create(name: "a", in: folder.url, encoder: TestModels.e5, logger: Self.logger)
        #expect(throws: CollectionError.alreadyExists("a")) {
            try TextCollection.create(name: "a", in: folder.url, encoder: TestModels.e5, logger: Self.logger)
        }
        #expect(throws: CollectionError.notFound("missing")) {
            try TextCollection.open(folder: CollectionFolder(dataDirectory: folder.url, name: "missing"), encoder: TestModels.e5, logger: Self.logger)
        }
        #expect(throws: (any Error).self) {
            try TextCollection.create(name: "b", in: folder.url, encoder: TestModels.e5, factory: "NoSuchIndex", logger: Self.logger)
        }
    }

    @Test func overlappingPassagesOfOneSourceAreCoalesced() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try TextCollection.create(name: "dedup", in: folder.url, encoder: TestModels.e5, logger: Self.logger)
        let source = "向量检索的核心是近似最近邻搜索。近似最近邻搜索在精度和速度之间折中。另一个话题：数据库备份。"
        let scalars = Array(source.unicodeScalars)
        func slice(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
        try collection.add(
            TextDocument(
                source: "a.md", contentHash: "1",
                passages: [
                    .init(text: slice(0..<16), span: 0..<16),
                    .init(text: slice(8..<33), span: 8..<33),
                    .init(text: slice(33..<45), span: 33..<45),
                ]))
        let result = try collection.search(TextSearchRequest(query: "近似最近邻搜索", topK: 3))
        let merged = try #require(result.hits.first { $0.passage.span?.lowerBound == 0 })
        #expect(merged.passage.span == 0..<33)
        #expect(merged.passage.text == slice(0..<33))
        #expect(result.hits.filter { ($0.passage.span?.lowerBound ?? 99) < 33 }.count == 1)
    }
}
