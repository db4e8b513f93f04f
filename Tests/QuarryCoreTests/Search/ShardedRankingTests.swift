import Foundation
import Logging
import QuarryCore
import Testing

/// A search of a collection split into shards, ranked from the merged candidates of every
/// shard, against the same search of one collection holding everything.
@Suite(.serialized) struct ShardedRankingTests {
    static let course = TestModels.repositoryRoot.appendingPathComponent("courses/sample")

    @Test func vectorSearchesOfTwoFlatShardsEqualOneFlatIndex() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let logger = Logger(label: "test")
        let whole = try TextCollection.create(name: "whole", in: folder.url, encoder: TestModels.e5, logger: logger)
        let ingestor = DocumentIngestor(
            chunker: try Chunker(configuration: DocumentIngestor.defaultChunking, tokenCounter: EncoderTokenCounter(encoder: TestModels.e5)))
        _ = try ingestor.ingest(paths: [Self.course.appendingPathComponent("markdown")], into: whole)
        // The same documents and vectors, split by source as a sharded cluster collection splits
        // them, under ids unique across the shards (a cluster's come from PostgreSQL).
        let layout = ShardLayout(shards: 2)
        let shards = try (0..<2).map { try TextCollection.create(name: "shard\($0)", in: folder.url, encoder: TestModels.e5, logger: logger) }
        var nextID: Int64 = 1_000
        try whole.store.forEachDocument { document in
            var document = document
            for index in document.passages.indices {
                document.passages[index].id = nextID
                nextID += 1
            }
            _ = try shards[layout.shard(ofSource: document.source)].save(document)
        }
        #expect(try shards.allSatisfy { try $0.store.passageCount() > 0 })
        #expect(try shards.map { try $0.store.passageCount() }.reduce(0, +) == whole.store.passageCount())

        let questions = try EvaluationQuestion.load(from: Self.course.appendingPathComponent("questions.jsonl"))
        for question in questions {
            for topK in [3, 10] {
                let request = TextSearchRequest(query: question.question, topK: topK, mode: .vector)
                let merged = TextSearchCandidates.merging(try shards.map { try $0.candidates(for: request) }, for: request)
                let sharded = TextCollection.rank(merged, for: request).hits
                let expected = try whole.search(request).hits
                let content = { (hits: [TextSearchHit]) in
                    hits.map { "\($0.passage.source) \($0.passage.span.map(String.init(describing:)) ?? "") \($0.passage.text)" }
                }
                #expect(content(sharded) == content(expected), "\(question.question)")
                #expect(sharded.map(\.score) == expected.map(\.score))
                #expect(sharded.map(\.highlights) == expected.map(\.highlights))
            }
        }
    }

    @Test func aPassageTwoReplicasReturnCountsOnceAndTheDepthIsTheSearchs() {
        func candidate(_ id: Int64, _ score: Double) -> TextSearchCandidates.Candidate {
            .init(passage: StoredPassage(id: id, source: "s\(id)", text: "t\(id)", chapter: "", page: nil, span: nil, metadata: [:]), score: score)
        }
        let first = TextSearchCandidates(vector: [candidate(1, 0.9), candidate(2, 0.5)], keyword: [candidate(2, 4)], unknownIDs: 1)
        let second = TextSearchCandidates(vector: [candidate(3, 0.7), candidate(2, 0.5), candidate(4, 0.5)], keyword: [candidate(5, 6)])
        let merged = TextSearchCandidates.merging([first, second], for: TextSearchRequest(query: "q", topK: 1))
        #expect(merged.vector.map(\.passage.id) == [1, 3, 2, 4])
        #expect(merged.keyword.map(\.passage.id) == [5, 2])
        #expect(merged.unknownIDs == 1)
        var degraded = TextSearchRequest(query: "q", topK: 2)
        degraded.fewerCandidates = true
        #expect(TextSearchCandidates.merging([first, second], for: degraded).vector.map(\.passage.id) == [1, 3])
    }
}
