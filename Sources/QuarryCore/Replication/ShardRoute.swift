/// Where a query on a sharded collection finds each shard, as seen from one node.
public struct ShardRoute: Sendable, Equatable {
    /// The shards this node holds and searches itself.
    public var localShards: Set<Int>
    /// For every other shard, the base URLs (`http://host:port`) of the nodes holding it, the
    /// ones seen alive recently first.
    public var remoteCandidates: [Int: [String]]

    public init(localShards: Set<Int>, remoteCandidates: [Int: [String]]) {
        self.localShards = localShards
        self.remoteCandidates = remoteCandidates
    }
}
