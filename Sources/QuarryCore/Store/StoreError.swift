/// A failure of a collection's SQLite store, with the operation and store path.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let path: String
    public let underlying: String

    public init(operation: String, path: String, underlying: any Error) {
        self.operation = operation
        self.path = path
        self.underlying = String(describing: underlying)
    }

    public var description: String { "store \(path): \(operation) failed: \(underlying)" }
}

/// What SQLite's `PRAGMA quick_check` found wrong in a store.
public struct StoreCorruption: Error, CustomStringConvertible, Sendable {
    /// The first problems it reported.
    public let problems: [String]

    public var description: String { "database disk image is malformed: " + problems.joined(separator: "; ") }
}
