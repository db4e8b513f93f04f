/// Errors raised while loading or running an embedding model. Each case says which file
/// or tensor was involved and what was wrong, so the message alone is enough to diagnose.
public enum EmbeddingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A model file could not be opened or read.
    case fileUnreadable(path: String, reason: String)
    /// A model file does not have the expected structure.
    case invalidModelFile(path: String, reason: String)
    /// A tensor the model needs is absent.
    case missingTensor(path: String, name: String)
    /// A tensor has an unexpected type or size.
    case tensorMismatch(path: String, name: String, reason: String)
    /// The model's configuration is not supported by this implementation.
    case unsupportedConfiguration(String)
    /// A model name is not in the registry.
    case unknownModel(name: String, known: [String])

    public var description: String {
        switch self {
        case .fileUnreadable(let path, let reason):
            return "embeddings: cannot read \(path): \(reason)"
        case .invalidModelFile(let path, let reason):
            return "embeddings: \(path) is not a valid model file: \(reason)"
        case .missingTensor(let path, let name):
            return "embeddings: \(path) has no tensor '\(name)'"
        case .tensorMismatch(let path, let name, let reason):
            return "embeddings: \(path): tensor '\(name)': \(reason)"
        case .unsupportedConfiguration(let reason):
            return "embeddings: unsupported model configuration: \(reason)"
        case .unknownModel(let name, let known):
            return "embeddings: unknown model '\(name)' (known: \(known.joined(separator: ", ")))"
        }
    }
}
