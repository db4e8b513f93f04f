/// An error raised by the FAISS binding: bad input detected before calling
/// FAISS, or a failure reported by FAISS itself (with FAISS's message).
public enum FaissError: Error, Equatable, Sendable {
    /// A vector or matrix whose width does not match the index dimension.
    case dimensionMismatch(expected: Int, actual: Int)
    /// An argument outside its valid range (k ≤ 0, negative nprobe, count mismatch, …).
    case invalidArgument(String)
    /// A factory string outside ``IndexFactory``'s grammar, or out of range for the dimension.
    case invalidFactory(String, reason: String)
    /// FAISS rejected the operation; `message` is FAISS's own explanation.
    case native(operation: String, message: String)
}

extension FaissError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .dimensionMismatch(let expected, let actual):
            "dimension mismatch: expected \(expected), got \(actual)"
        case .invalidArgument(let message):
            "invalid argument: \(message)"
        case .invalidFactory(let factory, let reason):
            "invalid index factory \"\(factory)\": \(reason)"
        case .native(let operation, let message):
            "FAISS \(operation) failed: \(message)"
        }
    }
}
