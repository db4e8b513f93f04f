/// The seam between the HTTP server and cluster mode: where writes are committed (a shared,
/// ordered change log) and how far this node has applied that log to its local collections.
public protocol ChangeReplication: Sendable {
    /// Commits `write` to the change log in one transaction and returns once this node has
    /// applied it (read-your-writes on this node).
    /// - Throws: ``CollectionError`` when the write is refused (no such collection, a different
    ///   collection of that name); the implementation's errors when the log cannot be reached
    ///   or the write was committed but not applied here in time.
    func commit(_ write: ReplicatedWrite) async throws -> CommittedWrite
    /// Waits until this node has applied every change up to `sequence`; false when `timeout`
    /// passed first.
    func waitUntilApplied(_ sequence: Int64, timeout: Duration) async -> Bool
    /// Where this node stands now.
    func status() -> ReplicationStatus
    /// Where a query on sharded collection `collection` finds each shard.
    /// - Throws: the implementation's errors when the shard map was never read and the database
    ///   cannot be reached, or when some shard has no node.
    func shardRoute(for collection: String) async throws -> ShardRoute
}

/// Where a cluster node stands, as `/health` reports it.
public struct ReplicationStatus: Sendable, Equatable, Encodable {
    /// This node's name (`--node-name`).
    public var node: String
    /// The last change this node has applied to its local collections.
    public var appliedSequence: Int64
    /// The last change this node has seen in the log.
    public var latestSequence: Int64
    /// Whether the database took this node's last statement (false while it reconnects).
    public var databaseReachable: Bool
    /// Why the last statement or the last change failed, if it did.
    public var lastError: String?

    public init(node: String, appliedSequence: Int64, latestSequence: Int64, databaseReachable: Bool, lastError: String? = nil) {
        self.node = node
        self.appliedSequence = appliedSequence
        self.latestSequence = latestSequence
        self.databaseReachable = databaseReachable
        self.lastError = lastError
    }

    enum CodingKeys: String, CodingKey {
        case node
        case appliedSequence = "applied_seq"
        case latestSequence = "latest_seq"
        case databaseReachable = "database_reachable"
        case lastError = "last_error"
    }
}
