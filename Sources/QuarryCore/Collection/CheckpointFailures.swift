/// The collections whose index could not be checkpointed, each with its reason; the others were.
public struct CheckpointFailures: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Failure: Sendable, Equatable {
        public let collection: String
        public let reason: String
    }

    public var failures: [Failure] = []

    public var description: String {
        failures.map { "checkpoint of \($0.collection) failed: \($0.reason)" }.joined(separator: "; ")
    }
}
