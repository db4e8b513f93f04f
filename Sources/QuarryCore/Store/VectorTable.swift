import Foundation
import GRDB

/// The `id` and `vector` columns of a store table: a row's id is its vector's id in FAISS.
/// Shared by the text and image stores to read vectors back for index repairs and rebuilds.
struct VectorTable: Sendable {
    let database: StoreDatabase
    /// Table name (a constant of the store, never user input).
    let table: String
    /// Components of every stored vector.
    let dimension: Int

    /// Number of rows (= vectors).
    func count() throws(StoreError) -> Int {
        try database.read("count \(table)") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    /// The highest id ever stored, or 0.
    func highestID() throws(StoreError) -> Int64 {
        try database.read("read highest id") { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM \(table)") ?? 0 }
    }

    /// Every id, ascending.
    func allIDs() throws(StoreError) -> [Int64] {
        try database.read("list ids") { db in try Int64.fetchAll(db, sql: "SELECT id FROM \(table) ORDER BY id") }
    }

    /// Calls `body` with batches of (ids, row-major vectors) of the rows whose
    /// id is in `ids` (every row when nil), in id order.
    func forEachVectorBatch(ids: [Int64]?, batchSize: Int, _ body: ([Int64], [Float]) throws -> Void) throws {
        if let ids {
            // Each batch asks for its own slice of the ids only.
            let sorted = ids.sorted()
            for start in stride(from: 0, to: sorted.count, by: batchSize) {
                let chunk = Array(sorted[start..<min(start + batchSize, sorted.count)])
                let (batchIDs, vectors) = try readVectors(
                    sql: "SELECT id, vector FROM \(table) WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                    arguments: [Self.jsonArray(chunk)], capacity: chunk.count
                )
                if !batchIDs.isEmpty { try body(batchIDs, vectors) }
            }
            return
        }
        var after: Int64 = -1
        while true {
            let (batchIDs, vectors) = try readVectors(
                sql: "SELECT id, vector FROM \(table) WHERE id > ? ORDER BY id LIMIT ?", arguments: [after, batchSize],
                capacity: batchSize
            )
            guard let last = batchIDs.last else { return }
            try body(batchIDs, vectors)
            after = last
        }
    }

    /// The vector of row `id`, if it exists.
    func vector(id: Int64) throws -> [Float]? {
        var found: [Float]?
        try forEachVectorBatch(ids: [id], batchSize: 1) { _, vectors in found = vectors }
        return found
    }

    /// Runs a query selecting `id, vector` and decodes the rows.
    private func readVectors(sql: String, arguments: StatementArguments, capacity: Int) throws -> ([Int64], [Float]) {
        try database.read("read vectors") { db -> ([Int64], [Float]) in
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

    /// `ids` as a JSON array, for `json_each(?)` (one bound parameter however many ids).
    static func jsonArray(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }
}
