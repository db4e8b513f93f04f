import Foundation
import GRDB

/// The SQLite store of an image collection (`store.sqlite`): one row per image
/// with its metadata, the path of its file in the media folder and its vector.
///
/// As for text, SQLite is the source of truth: a row id is its vector's id in
/// FAISS, ids are never reused, and a committed write survives a crash.
public final class ImageStore: Sendable {
    let database: StoreDatabase
    let vectors: VectorTable
    /// Path of the SQLite file.
    public var path: String { database.path }
    /// Components of every stored vector.
    public var dimension: Int { vectors.dimension }

    /// Opens (creating and migrating when needed) the store at `url`.
    public init(url: URL, dimension: Int) throws(StoreError) {
        database = try StoreDatabase(url: url, migrator: Self.migrator)
        vectors = VectorTable(database: database, table: "images", dimension: dimension)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: images") { db in
            try db.execute(
                sql: """
                    CREATE TABLE images (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        path TEXT NOT NULL UNIQUE,
                        content_hash TEXT NOT NULL,
                        category TEXT NOT NULL DEFAULT '',
                        price REAL,
                        title TEXT NOT NULL DEFAULT '',
                        metadata TEXT NOT NULL DEFAULT '{}',
                        width INTEGER NOT NULL,
                        height INTEGER NOT NULL,
                        added_at REAL NOT NULL,
                        vector BLOB NOT NULL
                    );
                    CREATE INDEX images_category ON images(category);
                    CREATE INDEX images_price ON images(price);
                    """)
        }
        migrator.registerMigration("v2: images by content hash (thumbnails are shared by content)") { db in
            try db.execute(sql: "CREATE INDEX images_content_hash ON images(content_hash)")
        }
        return migrator
    }
}

extension ImageStore: VectorSource {
    public func allIDs() throws -> [Int64] { try vectors.allIDs() }

    public func forEachVectorBatch(ids: [Int64]?, batchSize: Int, _ body: ([Int64], [Float]) throws -> Void) throws {
        try vectors.forEachVectorBatch(ids: ids, batchSize: batchSize, body)
    }
}
