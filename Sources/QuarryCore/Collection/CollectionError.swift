/// Why a collection could not be created, opened or changed.
public enum CollectionError: Error, Equatable, Sendable {
    case invalidName(String)
    case alreadyExists(String)
    case notFound(String)
    case wrongKind(name: String, expected: CollectionKind, actual: CollectionKind)
    case unreadableConfiguration(path: String, reason: String)
    case modelDimensionMismatch(model: String, modelDimension: Int, collectionDimension: Int)
    case incompatibleMerge(from: String, into: String, reason: String)
    case tooFewVectorsToTrain(factory: String, needed: Int, stored: Int)
    case unavailable(name: String, reason: String)
}

extension CollectionError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidName(let name): "invalid collection name \"\(name)\": use 1–64 letters, digits, '-' or '_'"
        case .alreadyExists(let name): "collection \"\(name)\" already exists"
        case .notFound(let name): "collection \"\(name)\" not found"
        case .wrongKind(let name, let expected, let actual): "collection \"\(name)\" holds \(actual.rawValue), not \(expected.rawValue)"
        case .unreadableConfiguration(let path, let reason): "cannot read \(path): \(reason)"
        case .modelDimensionMismatch(let model, let modelDimension, let collectionDimension):
            "model \(model) embeds \(modelDimension)-d vectors, the collection holds \(collectionDimension)-d"
        case .incompatibleMerge(let from, let into, let reason): "cannot merge \(from) into \(into): \(reason)"
        case .tooFewVectorsToTrain(let factory, let needed, let stored):
            "a \(factory) index is trained on at least \(needed) vectors; the collection holds \(stored)"
        case .unavailable(let name, let reason): "collection \"\(name)\" is unavailable: \(reason)"
        }
    }
}
