/// A failure of a collection's keyword index (its Xapian database), with the operation.
public struct KeywordIndexError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let reason: String

    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "keyword index: \(operation) failed: \(reason)" }
}
