import Foundation

extension ShardedIndex {
    /// Reads the shards that ``write(to:)`` wrote into `folder`.
    ///
    /// - Throws: what ``Index/init(contentsOf:)`` and ``init(shards:)`` throw; a
    ///   stray shard file (one whose ids belong in another shard) is rejected.
    public convenience init(contentsOf folder: URL) throws(FaissError) {
        var shards: [Index] = []
        repeat {
            shards.append(try Index(contentsOf: Self.file(ofShard: shards.count, in: folder)))
        } while FileManager.default.fileExists(atPath: Self.file(ofShard: shards.count, in: folder).path)
        try self.init(shards: shards)
    }

    /// Writes shard `i` to `shard-i.faiss` in `folder` (created if missing), each
    /// file replaced atomically as by ``Index/write(to:)``, then deletes the files
    /// of any further shards left by an earlier write. A crash part-way can leave
    /// some shards old and some new, each one complete.
    public func write(to folder: URL) throws(FaissError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .native(operation: "write \(folder.path)", message: error.localizedDescription)
        }
        _ = try onEveryShard { (position, shard) throws(FaissError) in
            try shard.write(to: Self.file(ofShard: position, in: folder))
        }
        for position in shards.count... {
            let stale = Self.file(ofShard: position, in: folder)
            guard FileManager.default.fileExists(atPath: stale.path) else { break }
            try? FileManager.default.removeItem(at: stale)
        }
    }

    static func file(ofShard position: Int, in folder: URL) -> URL {
        folder.appendingPathComponent("shard-\(position).faiss")
    }
}
