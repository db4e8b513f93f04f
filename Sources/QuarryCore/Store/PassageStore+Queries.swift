import Foundation
import GRDB

extension PassageStore {
    /// The passages with these ids that exist, keyed by id.
    public func passages(ids: [Int64]) throws(StoreError) -> [Int64: StoredPassage] {
        guard !ids.isEmpty else { return [:] }
        return try read("read passages") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT p.id, d.source, p.text, p.chapter, p.page, p.span_start, p.span_end, p.metadata
                FROM passages p JOIN documents d ON d.id = p.document_id
                WHERE p.id IN (SELECT value FROM json_each(?))
                """, arguments: [Self.jsonArray(ids)])
            var passages: [Int64: StoredPassage] = [:]
            for row in rows {
                let start: Int? = row["span_start"]
                let end: Int? = row["span_end"]
                let passage = StoredPassage(
                    id: row["id"], source: row["source"], text: row["text"], chapter: row["chapter"], page: row["page"],
                    span: start.flatMap { start in end.map { start..<max(start, $0) } },
                    metadata: JSONValue.decodeObject(row["metadata"])
                )
                passages[passage.id] = passage
            }
            return passages
        }
    }

    /// Number of stored passages (= vectors).
    public func passageCount() throws(StoreError) -> Int {
        try read("count passages") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM passages") ?? 0 }
    }

    /// Number of stored documents.
    public func documentCount() throws(StoreError) -> Int {
        try read("count documents") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM documents") ?? 0 }
    }

    /// The highest passage id ever stored, or 0.
    public func highestID() throws(StoreError) -> Int64 {
        try read("read highest id") { db in
            try Int64.fetchOne(db, sql: "SELECT max(id) FROM passages") ?? 0
        }
    }

    /// Every passage id, ascending.
    public func allIDs() throws(StoreError) -> [Int64] {
        try read("list ids") { db in try Int64.fetchAll(db, sql: "SELECT id FROM passages ORDER BY id") }
    }

    /// Calls `body` with batches of (ids, row-major vectors) of the passages whose
    /// id is in `ids` (all passages when nil), in id order.
    public func forEachVectorBatch(
        ids: [Int64]? = nil, batchSize: Int = 4_096, _ body: ([Int64], [Float]) throws -> Void
    ) throws {
        if let ids {
            // Each batch asks for its own slice of the ids only.
            let sorted = ids.sorted()
            for start in stride(from: 0, to: sorted.count, by: batchSize) {
                let chunk = Array(sorted[start..<min(start + batchSize, sorted.count)])
                let (batchIDs, vectors) = try readVectors(
                    sql: "SELECT id, vector FROM passages WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                    arguments: [Self.jsonArray(chunk)], capacity: chunk.count
                )
                if !batchIDs.isEmpty { try body(batchIDs, vectors) }
            }
            return
        }
        var after: Int64 = -1
        while true {
            let (batchIDs, vectors) = try readVectors(
                sql: "SELECT id, vector FROM passages WHERE id > ? ORDER BY id LIMIT ?", arguments: [after, batchSize],
                capacity: batchSize
            )
            guard let last = batchIDs.last else { return }
            try body(batchIDs, vectors)
            after = last
        }
    }

    /// Runs a query selecting `id, vector` and decodes the rows.
    private func readVectors(sql: String, arguments: StatementArguments, capacity: Int) throws -> ([Int64], [Float]) {
        try read("read vectors") { db -> ([Int64], [Float]) in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            var ids: [Int64] = []
            var vectors: [Float] = []
            vectors.reserveCapacity(capacity * dimension)
            while let row = try rows.next() {
                let blob: Data = row["vector"]
                guard VectorCoding.decode(blob, dimension: dimension, into: &vectors) else {
                    throw EmbeddingDimensionMismatch(expected: dimension, actual: blob.count / 4)
                }
                ids.append(row["id"])
            }
            return (ids, vectors)
        }
    }

    static func jsonArray(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }
}
