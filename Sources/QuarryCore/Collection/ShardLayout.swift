/// How a cluster collection is split: each document lives in one of `shards` shards, chosen from
/// its source, and each shard is held by `replicas` nodes. Only cluster mode shards collections.
public struct ShardLayout: Sendable, Equatable, Hashable, Codable {
    /// How many shards the collection's documents are spread over.
    public var shards: Int
    /// How many nodes hold each shard (fewer when the cluster has fewer live nodes at creation).
    public var replicas: Int

    /// Shard counts a collection may have.
    public static let shardRange = 1...64
    /// Replica counts a shard may have.
    public static let replicaRange = 1...16

    public init(shards: Int, replicas: Int = 1) {
        self.shards = shards
        self.replicas = replicas
    }

    /// The shard document `source` belongs to: FNV-1a (64-bit) of its UTF-8 bytes modulo
    /// ``shards``, the same on every node and every platform.
    public func shard(ofSource source: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in source.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(shards))
    }

    /// The nodes that hold each shard when `nodes` (sorted, distinct) are the live ones: shard
    /// `s` goes to the `replicas` nodes following position `s × replicas` round the list, so
    /// shards and their copies spread evenly and no node holds a shard twice.
    public func assignment(to nodes: [String]) -> [Int: [String]] {
        guard !nodes.isEmpty else { return [:] }
        let copies = min(replicas, nodes.count)
        return Dictionary(
            uniqueKeysWithValues: (0..<shards).map { shard in
                (shard, (0..<copies).map { copy in nodes[(shard * copies + copy) % nodes.count] })
            })
    }
}
