/// The collections an operation on every collection (a checkpoint, a compaction) failed for,
/// each with its reason; it was done for the others.
public struct CollectionFailures: Error, Sendable, Equatable, CustomStringConvertible {
    /// One collection the operation failed for, and why.
    public struct Failure: Sendable, Equatable {
        public let collection: String
        public let reason: String
    }

    public var failures: [Failure] = []

    public var description: String {
        failures.map { "\($0.collection): \($0.reason)" }.joined(separator: "; ")
    }
}
