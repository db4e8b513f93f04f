import Foundation
import GRDB

/// A collection's SQLite database: WAL mode (GRDB's `DatabasePool`) with
/// `synchronous=FULL`, so a committed write survives a crash, migrated on open.
/// Reads run concurrently, writes are serialised; failures carry the operation and path.
struct StoreDatabase: Sendable {
    let pool: DatabasePool
    /// Path of the SQLite file.
    let path: String

    /// Opens (creating and migrating when needed) the database at `url`; in a folder that
    /// cannot be written (a read-only file system), opens it read-only, for searches.
    init(url: URL, migrator: DatabaseMigrator) throws(StoreError) {
        path = url.path
        let writable = access(url.deletingLastPathComponent().path, W_OK) == 0
        var configuration = Configuration()
        configuration.readonly = !writable
        configuration.prepareDatabase { db in
            if writable { try db.execute(sql: "PRAGMA synchronous = FULL") }
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            pool = try DatabasePool(path: url.path, configuration: configuration)
            if writable {
                try migrator.migrate(pool)
            } else if try !pool.read(migrator.hasCompletedMigrations) {
                throw StoreCorruption(problems: ["the store needs a migration and its folder is read-only"])
            }
        } catch {
            throw StoreError(operation: "open", path: url.path, underlying: error)
        }
        // A damaged page is found now, not by the first search or write that reads it.
        let problems = try read("quick_check") { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        guard problems == ["ok"] else {
            throw StoreError(operation: "quick_check", path: url.path, underlying: StoreCorruption(problems: Array(problems.prefix(5))))
        }
    }

    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError(operation: operation, path: path, underlying: error)
        }
    }

    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw StoreError(operation: operation, path: path, underlying: error)
        }
    }
}
