import Foundation
import Testing

@testable import QuarryCluster

struct NodeStateTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("node-state-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    @Test func aFreshFolderStartsAtSequenceZeroAndKeepsWhatWasSaved() throws {
        #expect(try NodeState.load(from: folder, node: "a") == NodeState(node: "a", appliedSequence: 0))
        try NodeState(node: "a", appliedSequence: 42).save(to: folder)
        #expect(try NodeState.load(from: folder, node: "a").appliedSequence == 42)
    }

    @Test func aFolderOfAnotherNodeIsRefused() throws {
        try NodeState(node: "a", appliedSequence: 7).save(to: folder)
        #expect(throws: ClusterError.self) { try NodeState.load(from: folder, node: "b") }
    }

    @Test func aDamagedStateFileIsRefusedNotReset() throws {
        try Data("{\"node\": \"a\", ".utf8).write(to: folder.appendingPathComponent(NodeState.fileName))
        #expect(throws: ClusterError.self) { try NodeState.load(from: folder, node: "a") }
    }
}

struct RetryClassificationTests {
    @Test func readOnlyServersAreRetriedOtherFailuresAreNot() {
        #expect(ClusterDatabase.isRetryable(ClusterDatabase.NoWritableHost(failures: ["db1:5432 is a standby (read-only)"])))
        #expect(!ClusterDatabase.isRetryable(ClusterError.schemaTooNew(found: 3, known: 1)))
        #expect(!ClusterDatabase.isRetryable(CancellationError()))
    }
}
