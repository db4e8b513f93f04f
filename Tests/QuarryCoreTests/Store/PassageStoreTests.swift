import Foundation
import GRDB
import Testing

@testable import QuarryCore

@Suite struct PassageStoreTests {
    static func vector(_ seed: Int, dimension: Int = 4) -> [Float] {
        (0..<dimension).map { Float(($0 + 1) * (seed + 1) % 7) + 0.5 }
    }

    static func passage(_ text: String, chapter: String = "Intro", seed: Int) -> NewPassage {
        NewPassage(
            TextDocument.Passage(
                text: text, indexedText: "\(chapter)\n\(text)", chapter: chapter, page: 3, span: seed..<(seed + text.count),
                metadata: ["lang": .string("zh")]),
            vector: vector(seed))
    }

    @Test func replaceDeleteAndDeduplicate() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try PassageStore(url: folder.url.appendingPathComponent("store.sqlite"), dimension: 4)

        let first = try store.replaceDocument(
            source: "a.md", contentHash: "h1",
            passages: [
                Self.passage("向量数据库用于相似度搜索。", seed: 1), Self.passage("倒排索引加速检索。", seed: 2),
            ])
        #expect(first.addedIDs.count == 2)
        #expect(first.addedVectors == Self.vector(1) + Self.vector(2))
        #expect(try store.contentHash(of: "a.md") == "h1")

        // An identical passage twice in one document is stored once.
        let second = try store.replaceDocument(
            source: "b.md", contentHash: "h2",
            passages: [
                Self.passage("HNSW 是一种图索引。", seed: 3), Self.passage("HNSW 是一种图索引。", seed: 4),
            ])
        #expect(second.addedIDs.count == 1)
        #expect(second.duplicatesSkipped == 1)
        #expect(try store.passageCount() == 3)

        // Replacing a document removes its old passages; ids are never reused.
        let replaced = try store.replaceDocument(source: "a.md", contentHash: "h3", passages: [Self.passage("新的段落内容。", seed: 5)])
        #expect(replaced.removedIDs == first.addedIDs)
        #expect(replaced.addedIDs.allSatisfy { $0 > second.addedIDs.max()! })
        #expect(try store.passageCount() == 2)

        let stored = try store.passages(ids: replaced.addedIDs + first.addedIDs)
        #expect(stored.count == 1)
        let passage = try #require(stored[replaced.addedIDs[0]])
        #expect(passage.source == "a.md")
        #expect(passage.chapter == "Intro")
        #expect(passage.page == 3)
        #expect(passage.span == 5..<12)
        #expect(passage.metadata["lang"] == .string("zh"))

        #expect(try store.deleteDocument(source: "b.md") == second.addedIDs)
        #expect(try store.sources() == ["a.md"])
        #expect(try store.documentCount() == 1)
    }

    /// Issue #14: `text_hash` was unique across the collection, so a passage that document A
    /// already held was never stored for B, and deleting A lost it for both.
    @Test func aPassageSharedByTwoDocumentsBelongsToEach() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try PassageStore(url: folder.url.appendingPathComponent("store.sqlite"), dimension: 4)
        let shared = "两份讲义都有的同一段落。"
        _ = try store.replaceDocument(
            source: "a.md", contentHash: "a",
            passages: [
                Self.passage(shared, seed: 1), Self.passage("只在 A 中。", seed: 2),
            ])
        let b = try store.replaceDocument(
            source: "b.md", contentHash: "b",
            passages: [
                Self.passage(shared, seed: 1), Self.passage("只在 B 中。", seed: 3),
            ])
        #expect(b.addedIDs.count == 2)
        #expect(b.duplicatesSkipped == 0)

        try store.deleteDocument(source: "a.md")
        let remaining = try store.passages(ids: b.addedIDs)
        #expect(remaining.values.map(\.text).sorted() == [shared, "只在 B 中。"].sorted())
        #expect(remaining.values.allSatisfy { $0.source == "b.md" })
        #expect(try store.passageCount() == 2)
    }

    /// A v1 store (text unique per collection) keeps its rows and its id sequence when migrated.
    @Test func migratingAVersionOneStoreKeepsRowsAndNeverReusesIDs() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("store.sqlite")
        do {
            let pool = try DatabasePool(path: url.path)
            try PassageStore.migrator.migrate(pool, upTo: "v1: documents, passages, keyword index")
            try pool.write { db in
                try db.execute(sql: "INSERT INTO documents (source, content_hash, ingested_at) VALUES ('a.md', 'h', 0)")
                for id in 1...3 {
                    try db.execute(
                        sql: """
                            INSERT INTO passages (id, document_id, ordinal, text, indexed_text, text_hash, vector)
                            VALUES (?, 1, ?, ?, '', ?, ?)
                            """, arguments: [id, id, "p\(id)", "hash\(id)", VectorCoding.encode(Self.vector(id))])
                }
                try db.execute(sql: "DELETE FROM passages WHERE id = 3")
            }
        }
        let store = try PassageStore(url: url, dimension: 4)
        #expect(try store.passageCount() == 2)
        let added = try store.replaceDocument(source: "b.md", contentHash: "b", passages: [Self.passage("p1", seed: 1)])
        #expect(added.addedIDs == [4])
    }

    @Test func vectorsAreStoredExactly() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try PassageStore(url: folder.url.appendingPathComponent("store.sqlite"), dimension: 4)
        let passages = (0..<10).map { Self.passage("第\($0)段。", seed: $0) }
        let change = try store.replaceDocument(source: "a.md", contentHash: "h", passages: passages)
        var seen: [Int64] = []
        var values: [Float] = []
        try store.forEachVectorBatch(ids: nil, batchSize: 3) { ids, vectors in
            seen += ids
            values += vectors
        }
        #expect(seen == change.addedIDs)
        #expect(values == change.addedVectors)
        var some: [Int64] = []
        try store.forEachVectorBatch(ids: [change.addedIDs[2], change.addedIDs[7]], batchSize: 1) { ids, _ in some += ids }
        #expect(some == [change.addedIDs[2], change.addedIDs[7]])
    }

    @Test func wrongVectorDimensionIsRejected() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try PassageStore(url: folder.url.appendingPathComponent("store.sqlite"), dimension: 8)
        #expect(throws: StoreError.self) {
            try store.replaceDocument(source: "a.md", contentHash: "h", passages: [Self.passage("x", seed: 1)])
        }
        #expect(try store.passageCount() == 0)
    }
}
