import Foundation
import QuarryCore

/// How far a node has applied the change log, kept in `<data>/cluster-node.json` and rewritten
/// atomically after each applied change. Every change is idempotent on the state it leaves, so
/// a crash between applying a change and recording it only re-applies that one change.
struct NodeState: Codable, Equatable {
    /// The node's name; a data folder belongs to one node.
    var node: String
    /// The last change applied to the local collections.
    var appliedSequence: Int64

    static let fileName = "cluster-node.json"

    /// The state in `dataDirectory`, or a fresh one at sequence 0 for `node`.
    /// - Throws: ``ClusterError/stateFile(path:reason:)`` when the file is unreadable or belongs to another node.
    static func load(from dataDirectory: URL, node: String) throws(ClusterError) -> NodeState {
        let url = dataDirectory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return NodeState(node: node, appliedSequence: 0) }
        let state: NodeState
        do {
            state = try JSONDecoder().decode(NodeState.self, from: data)
        } catch {
            throw .stateFile(path: url.path, reason: "unreadable: \(error)")
        }
        guard state.node == node else {
            throw .stateFile(path: url.path, reason: "the data folder belongs to node \"\(state.node)\", not \"\(node)\"")
        }
        return state
    }

    /// Writes the state to `dataDirectory` (data, then the rename, on disk before it returns).
    func save(to dataDirectory: URL) throws(ClusterError) {
        let url = dataDirectory.appendingPathComponent(Self.fileName)
        do {
            try AtomicFile.write(try JSONEncoder().encode(self), to: url)
        } catch {
            throw .stateFile(path: url.path, reason: "\(error)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case node
        case appliedSequence = "applied_seq"
    }
}
