import Foundation
import GRDB

/// Consistent copies of a collection's SQLite store, and their integrity check.
enum StoreSnapshot {
    /// Copies the store at `source` to `destination` with SQLite's online backup
    /// API, which sees one committed state even while another process writes, and
    /// returns the rows of `table` in the copy. The copy is left as one
    /// self-contained file (rollback journal); opening it as a store turns WAL back on.
    static func copy(from source: URL, to destination: URL, countingRowsOf table: String) throws(BackupError) -> Int {
        try BackupError.during("back up store", source.path) {
            var configuration = Configuration()
            configuration.readonly = true
            let live = try DatabaseQueue(path: source.path, configuration: configuration)
            let copy = try DatabaseQueue(path: destination.path)
            try live.backup(to: copy)
            try live.close()
            // Reading opens the copy in the WAL mode its header took from the source.
            let rows = try copy.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
            try leaveWAL(copy)
            try copy.close()
            return rows
        }
    }

    /// Turns a store back into one self-contained file (rollback journal), folding in its WAL.
    static func makeSelfContained(_ url: URL) throws(BackupError) {
        try BackupError.during("set rollback journal", url.path) {
            let database = try DatabaseQueue(path: url.path)
            try leaveWAL(database)
            try database.close()
        }
    }

    private static func leaveWAL(_ database: DatabaseQueue) throws {
        let mode = try database.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
        guard mode == "delete" else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "journal mode stayed \(mode ?? "unknown")"])
        }
    }

    /// Why the store at `url` fails to open read-only or `PRAGMA integrity_check`; nil when it passes.
    static func integrityFailure(of url: URL) -> String? {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let database = try DatabaseQueue(path: url.path, configuration: configuration)
            defer { try? database.close() }
            let messages = try database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            return messages == ["ok"] ? nil : messages.prefix(5).joined(separator: "; ")
        } catch {
            return "\(error)"
        }
    }
}
