import Foundation
import GRDB

/// A collection's SQLite store (`store.sqlite`), laid out by `Schema`: the source of truth
/// for its items and their vectors. ``PassageStore`` and ``ImageStore`` are the two kinds.
///
/// A row's id is its vector's id in FAISS and ids are never reused (AUTOINCREMENT).
/// The database runs in WAL mode with `synchronous=FULL`, so a committed write survives
/// a crash. Safe to use from many tasks: reads run concurrently, writes are serialised.
public final class VectorStore<Schema: StoreSchema>: Sendable {
    let database: StoreDatabase
    let vectors: VectorTable
    /// Path of the SQLite file.
    public var path: String { database.path }
    /// Components of every stored vector.
    public var dimension: Int { vectors.dimension }

    /// Opens (creating and migrating when needed) the store at `url`.
    public init(url: URL, dimension: Int) throws(StoreError) {
        database = try StoreDatabase(url: url, migrator: Schema.migrator)
        vectors = VectorTable(database: database, table: Schema.vectorTable, dimension: dimension)
    }

    /// The schema's migrations.
    static var migrator: DatabaseMigrator { Schema.migrator }

    /// The highest id ever stored, or 0.
    public func highestID() throws(StoreError) -> Int64 { try vectors.highestID() }

    /// Every stored id, ascending.
    public func allIDs() throws(StoreError) -> [Int64] { try vectors.allIDs() }

    /// Calls `body` with batches of (ids, row-major vectors) of the rows whose
    /// id is in `ids` (every row when nil), in id order.
    public func forEachVectorBatch(
        ids: [Int64]? = nil, batchSize: Int = 4_096, _ body: ([Int64], [Float]) throws -> Void
    ) throws {
        try vectors.forEachVectorBatch(ids: ids, batchSize: batchSize, body)
    }

    /// The stored vector of row `id`, if it exists.
    public func vector(id: Int64) throws -> [Float]? {
        try vectors.vector(id: id)
    }

    /// Throws when `vector`, about to be stored for `item`, does not have the store's dimension.
    func checkDimension(of vector: [Float], storing item: String) throws(StoreError) {
        guard vector.count != dimension else { return }
        throw StoreError(operation: "store \(item)", path: path, underlying: EmbeddingDimensionMismatch(expected: dimension, actual: vector.count))
    }
}
