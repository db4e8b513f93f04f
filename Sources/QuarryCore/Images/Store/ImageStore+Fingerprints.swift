import Embeddings
import Foundation
import GRDB

extension ImageStore {
    /// An image stored without a fingerprint, with what finds its files.
    public struct UnfingerprintedImage: Sendable, Equatable {
        public let id: Int64
        public let path: String
        public let contentHash: String
    }

    /// The fingerprints of the stored images among `ids` that have one.
    public func fingerprints(ids: [Int64]) throws(StoreError) -> [Int64: ImageFingerprint] {
        guard !ids.isEmpty else { return [:] }
        return try database.read("read fingerprints") { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, fingerprint FROM images WHERE id IN (SELECT value FROM json_each(?)) AND fingerprint IS NOT NULL",
                arguments: [VectorTable.jsonArray(ids)])
            var fingerprints: [Int64: ImageFingerprint] = [:]
            for row in rows {
                if let data: Data = row["fingerprint"], let fingerprint = ImageFingerprint(data: data) { fingerprints[row["id"]] = fingerprint }
            }
            return fingerprints
        }
    }

    /// The ids of the stored images that have a fingerprint, ascending.
    public func fingerprintedIDs() throws(StoreError) -> [Int64] {
        try database.read("list fingerprinted images") { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM images WHERE fingerprint IS NOT NULL ORDER BY id")
        }
    }

    /// The fingerprint of a stored image with this content hash, if it has one.
    public func fingerprint(contentHash: String) throws(StoreError) -> ImageFingerprint? {
        let data = try database.read("read fingerprint") { db in
            try Data.fetchOne(
                db, sql: "SELECT fingerprint FROM images WHERE content_hash = ? AND fingerprint IS NOT NULL LIMIT 1", arguments: [contentHash])
        }
        return data.flatMap(ImageFingerprint.init(data:))
    }

    /// Up to `limit` images stored without a fingerprint and with an id above `afterID`, in id order.
    public func unfingerprinted(after afterID: Int64, limit: Int) throws(StoreError) -> [UnfingerprintedImage] {
        try database.read("find images without a fingerprint") { db in
            try Row.fetchAll(
                db, sql: "SELECT id, path, content_hash FROM images WHERE fingerprint IS NULL AND id > ? ORDER BY id LIMIT ?",
                arguments: [afterID, limit]
            ).map { UnfingerprintedImage(id: $0["id"], path: $0["path"], contentHash: $0["content_hash"]) }
        }
    }

    /// Records fingerprints of stored images (those deleted meanwhile are skipped).
    public func setFingerprints(_ fingerprints: [Int64: ImageFingerprint]) throws(StoreError) {
        guard !fingerprints.isEmpty else { return }
        try database.write("store \(fingerprints.count) fingerprints") { db in
            let update = try db.makeStatement(sql: "UPDATE images SET fingerprint = ? WHERE id = ?")
            for (id, fingerprint) in fingerprints { try update.execute(arguments: [fingerprint.data, id]) }
        }
    }
}
