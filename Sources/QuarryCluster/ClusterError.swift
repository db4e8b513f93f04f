import Foundation

/// Why a cluster operation failed.
public enum ClusterError: Error, CustomStringConvertible, Sendable {
    /// No listed host accepted a connection (that takes writes) before the deadline.
    case databaseUnreachable(hosts: String, lastError: String)
    /// A statement failed for a reason other than a lost connection.
    case statementFailed(operation: String, reason: String)
    /// This node committed a change but had not applied it when its wait ran out.
    case notApplied(sequence: Int64, appliedUpTo: Int64)
    /// A change could not be applied to this node's collections.
    case applyFailed(sequence: Int64, reason: String)
    /// The node's state file could not be read or written.
    case stateFile(path: String, reason: String)
    /// The cluster's schema is newer than this binary knows.
    case schemaTooNew(found: Int, known: Int)
    /// No node that this one can reach holds a shard of a sharded collection.
    case shardUnavailable(collection: String, shard: Int)

    public var description: String {
        switch self {
        case .databaseUnreachable(let hosts, let lastError): "no writable PostgreSQL at \(hosts): \(lastError)"
        case .statementFailed(let operation, let reason): "\(operation) failed: \(reason)"
        case .notApplied(let sequence, let applied):
            "change \(sequence) is committed but this node has applied only up to \(applied) so far"
        case .applyFailed(let sequence, let reason): "change \(sequence) could not be applied: \(reason)"
        case .stateFile(let path, let reason): "node state \(path): \(reason)"
        case .schemaTooNew(let found, let known):
            "the cluster's schema is version \(found), this binary knows up to \(known): upgrade it"
        case .shardUnavailable(let collection, let shard): "no node holding shard \(shard) of \"\(collection)\" is known"
        }
    }
}
