import Foundation
import GRDB

/// The SQLite store of a text collection (`store.sqlite`): documents, their
/// passages with metadata and vectors, and an FTS5 keyword index over each
/// passage's ``KeywordTerms`` (kept in step in the same transactions).
///
/// SQLite is the source of truth: a passage's row id is its vector's id in
/// FAISS, ids are never reused (AUTOINCREMENT), and the database runs in WAL
/// mode with `synchronous=FULL`, so a committed write survives a crash.
/// Safe to use from many tasks: reads run concurrently, writes are serialised.
public final class PassageStore: Sendable {
    let database: StoreDatabase
    let vectors: VectorTable
    /// Path of the SQLite file.
    public var path: String { database.path }
    /// Components of every stored vector.
    public var dimension: Int { vectors.dimension }

    /// Opens (creating and migrating when needed) the store at `url`.
    public init(url: URL, dimension: Int) throws(StoreError) {
        database = try StoreDatabase(url: url, migrator: Self.migrator)
        vectors = VectorTable(database: database, table: "passages", dimension: dimension)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: documents, passages, keyword index") { db in
            try db.execute(sql: """
                CREATE TABLE documents (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source TEXT NOT NULL UNIQUE,
                    content_hash TEXT NOT NULL,
                    ingested_at REAL NOT NULL,
                    metadata TEXT NOT NULL DEFAULT '{}'
                );
                CREATE TABLE passages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    indexed_text TEXT NOT NULL,
                    chapter TEXT NOT NULL DEFAULT '',
                    page INTEGER,
                    span_start INTEGER,
                    span_end INTEGER,
                    text_hash TEXT NOT NULL UNIQUE,
                    metadata TEXT NOT NULL DEFAULT '{}',
                    vector BLOB NOT NULL
                );
                CREATE INDEX passages_document ON passages(document_id);
                CREATE VIRTUAL TABLE passages_fts USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0');
                """)
        }
        return migrator
    }
}
