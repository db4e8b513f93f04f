import GRDB

/// The tables of a ``PassageStore``: documents, and passages with their vectors.
public enum PassageSchema: StoreSchema {
    public static let vectorTable = "passages"

    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: documents, passages, keyword index") { db in
            try db.execute(
                sql: """
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
        // v1 stored a passage text once per collection, so a document whose passage another
        // document already held lost it, and deleting the holder lost it for both.
        migrator.registerMigration("v2: passages are unique per document, not per collection") { db in
            let lastID = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'passages'")
            try db.execute(
                sql: """
                    CREATE TABLE passages_v2 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                        ordinal INTEGER NOT NULL,
                        text TEXT NOT NULL,
                        indexed_text TEXT NOT NULL,
                        chapter TEXT NOT NULL DEFAULT '',
                        page INTEGER,
                        span_start INTEGER,
                        span_end INTEGER,
                        text_hash TEXT NOT NULL,
                        metadata TEXT NOT NULL DEFAULT '{}',
                        vector BLOB NOT NULL,
                        UNIQUE (document_id, text_hash)
                    );
                    INSERT INTO passages_v2 SELECT * FROM passages;
                    DROP TABLE passages;
                    ALTER TABLE passages_v2 RENAME TO passages;
                    CREATE INDEX passages_document ON passages(document_id);
                    CREATE INDEX passages_text_hash ON passages(text_hash);
                    """)
            // Ids are FAISS ids and never reused: the new table continues the old sequence.
            if let lastID {
                try db.execute(sql: "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'passages'", arguments: [lastID])
                if db.changesCount == 0 {
                    try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('passages', ?)", arguments: [lastID])
                }
            }
        }
        // v3 re-indexed the FTS5 table with CJK characters; v4 removes that table, so a store
        // older than v3 has nothing left to re-index.
        migrator.registerMigration("v3: keyword index holds CJK characters as well as bigrams") { _ in }
        // The keyword index is a Xapian database beside the store (``KeywordIndex``), built from
        // `indexed_text` like the FAISS index from `vector`.
        migrator.registerMigration("v4: keyword index moves out of the store") { db in
            try db.execute(sql: "DROP TABLE passages_fts")
        }
        return migrator
    }
}
