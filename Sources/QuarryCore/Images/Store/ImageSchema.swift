import GRDB

/// The table of an ``ImageStore``: one row per image with its metadata, file path, vector and
/// fingerprint.
public enum ImageSchema: StoreSchema {
    public static let vectorTable = "images"

    public static var migrator: DatabaseMigrator {
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
        migrator.registerMigration("v3: fingerprints (filled in from the thumbnails when the collection opens)") { db in
            try db.execute(sql: "ALTER TABLE images ADD COLUMN fingerprint BLOB")
        }
        migrator.registerMigration("v4: fingerprints keep the image's shape (filled in again when the collection opens)") { db in
            try db.execute(sql: "UPDATE images SET fingerprint = NULL")
        }
        return migrator
    }
}
