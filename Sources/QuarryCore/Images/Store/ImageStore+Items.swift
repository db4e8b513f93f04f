import Embeddings
import Foundation
import GRDB

extension ImageStore {
    /// Stores `images` in one transaction, in order. An image whose path is stored
    /// with the same content hash is skipped; with another hash, the old row is
    /// replaced (its id removed, a new id added), also when an earlier image of
    /// the batch stored it. Returns the change and each image's id, in input
    /// order (nil when skipped or replaced within the batch). An image with an ``NewImage/id``
    /// is stored under it, each with its fingerprint in `fingerprints` (same order; missing or nil: none).
    public func insert(_ images: [NewImage], fingerprints: [ImageFingerprint?] = []) throws(StoreError) -> (change: StoreChange, ids: [Int64?]) {
        for image in images { try checkDimension(of: image.vector, storing: image.path) }
        return try database.write("store \(images.count) images") { db in
            var change = StoreChange()
            var ids: [Int64?] = []
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO images (id, path, content_hash, category, price, title, metadata, width, height, added_at, vector, fingerprint)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let now = Date().timeIntervalSince1970
            for (offset, image) in images.enumerated() {
                if let existing = try Row.fetchOne(
                    db, sql: "SELECT id, content_hash FROM images WHERE path = ?", arguments: [image.path]
                ) {
                    if existing["content_hash"] == image.contentHash {
                        change.duplicatesSkipped += 1
                        ids.append(nil)
                        continue
                    }
                    let id: Int64 = existing["id"]
                    try db.execute(sql: "DELETE FROM images WHERE id = ?", arguments: [id])
                    if let added = change.addedIDs.firstIndex(of: id) {
                        // Stored by an earlier image of this batch: it never reaches the index.
                        change.addedIDs.remove(at: added)
                        change.addedVectors.removeSubrange(added * dimension..<(added + 1) * dimension)
                        ids[ids.firstIndex(of: id)!] = nil
                    } else {
                        change.removedIDs.append(id)
                    }
                }
                try insert.execute(arguments: [
                    image.id, image.path, image.contentHash, image.category, image.price, image.title,
                    JSONValue.encodeObject(image.metadata), image.width, image.height, now, VectorCoding.encode(image.vector),
                    offset < fingerprints.count ? fingerprints[offset]?.data : nil,
                ])
                change.addedIDs.append(db.lastInsertedRowID)
                change.addedVectors.append(contentsOf: image.vector)
                ids.append(db.lastInsertedRowID)
            }
            return (change, ids)
        }
    }

    /// Content hash recorded for the image at `path`, or nil when none is stored.
    public func contentHash(ofPath path: String) throws(StoreError) -> String? {
        try database.read("read image") { db in
            try String.fetchOne(db, sql: "SELECT content_hash FROM images WHERE path = ?", arguments: [path])
        }
    }

    /// Ids of the images that pass `filter`, or nil when more than `limit` do.
    public func ids(matching filter: ImageFilter, limit: Int) throws(StoreError) -> [Int64]? {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let category = filter.category {
            clauses.append("category = ?")
            arguments.append(category)
        }
        if let priceMin = filter.priceMin {
            clauses.append("price >= ?")
            arguments.append(priceMin)
        }
        if let priceMax = filter.priceMax {
            clauses.append("price <= ?")
            arguments.append(priceMax)
        }
        let condition = clauses.isEmpty ? "1" : clauses.joined(separator: " AND ")
        // No ORDER BY: sorting by id would make SQLite walk the whole table in id order, reading
        // every row's vector, instead of the category or price index.
        let ids = try database.read("filter images") { db in
            try Int64.fetchAll(
                db, sql: "SELECT id FROM images WHERE \(condition) LIMIT ?",
                arguments: StatementArguments(arguments + [limit + 1])
            )
        }
        return ids.count > limit ? nil : ids.sorted()
    }

    /// Whether a stored image uses the file at `path` (relative to the media folder).
    public func isStored(path: String) throws(StoreError) -> Bool {
        try database.read("read image") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM images WHERE path = ?)", arguments: [path]) ?? false
        }
    }

    /// Whether a stored image has this content hash (and so uses its thumbnail).
    public func isStored(contentHash: String) throws(StoreError) -> Bool {
        try database.read("read image") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM images WHERE content_hash = ?)", arguments: [contentHash]) ?? false
        }
    }

    /// The stored vector of an image whose file has this content hash, if any.
    public func vector(contentHash: String) throws -> [Float]? {
        let id = try database.read("read image") { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM images WHERE content_hash = ? LIMIT 1", arguments: [contentHash])
        }
        return try id.flatMap { try vectors.vector(id: $0) }
    }

    /// The first path (in path order) of a stored image with this content hash, if any.
    public func path(ofContentHash contentHash: String) throws(StoreError) -> String? {
        try database.read("read image") { db in
            try String.fetchOne(db, sql: "SELECT path FROM images WHERE content_hash = ? ORDER BY path LIMIT 1", arguments: [contentHash])
        }
    }

    /// Every stored path and every stored content hash.
    public func storedPathsAndHashes() throws(StoreError) -> (paths: Set<String>, contentHashes: Set<String>) {
        try database.read("list images") { db in
            let rows = try Row.fetchAll(db, sql: "SELECT path, content_hash FROM images")
            return (Set(rows.map { $0["path"] }), Set(rows.map { $0["content_hash"] }))
        }
    }

    /// Deletes the images with these ids; returns the ids that existed.
    @discardableResult
    public func delete(ids: [Int64]) throws(StoreError) -> [Int64] {
        try database.write("delete images") { db in
            let existing = try Int64.fetchAll(
                db, sql: "SELECT id FROM images WHERE id IN (SELECT value FROM json_each(?))",
                arguments: [VectorTable.jsonArray(ids)]
            )
            try db.execute(
                sql: "DELETE FROM images WHERE id IN (SELECT value FROM json_each(?))", arguments: [VectorTable.jsonArray(existing)]
            )
            return existing
        }
    }

    /// The images with these ids that exist, keyed by id.
    public func images(ids: [Int64]) throws(StoreError) -> [Int64: StoredImage] {
        guard !ids.isEmpty else { return [:] }
        return try database.read("read images") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, path, category, price, title, metadata, width, height, content_hash
                    FROM images WHERE id IN (SELECT value FROM json_each(?))
                    """, arguments: [VectorTable.jsonArray(ids)])
            var images: [Int64: StoredImage] = [:]
            for row in rows {
                let image = StoredImage(
                    id: row["id"], path: row["path"], category: row["category"], price: row["price"], title: row["title"],
                    metadata: JSONValue.decodeObject(row["metadata"]), width: row["width"], height: row["height"],
                    contentHash: row["content_hash"]
                )
                images[image.id] = image
            }
            return images
        }
    }

    /// The image `id`, if it exists.
    public func image(id: Int64) throws(StoreError) -> StoredImage? {
        try images(ids: [id])[id]
    }

    /// Number of stored images (= vectors).
    public func imageCount() throws(StoreError) -> Int {
        try vectors.count()
    }

    /// Each category with its number of images, by name.
    public func categories() throws(StoreError) -> [(name: String, count: Int)] {
        try database.read("list categories") { db in
            try Row.fetchAll(db, sql: "SELECT category, count(*) AS n FROM images GROUP BY category ORDER BY category")
                .map { (name: $0["category"], count: $0["n"]) }
        }
    }

    /// The category of every image, keyed by id (for evaluations over the whole collection).
    public func categoriesByID() throws(StoreError) -> [Int64: String] {
        try database.read("read categories") { db in
            var categories: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, category FROM images") {
                categories[row["id"]] = row["category"]
            }
            return categories
        }
    }
}
