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
    /// A model name the registry does not know.
    case unknownModel(String, known: [String])
    /// A FAISS factory string FAISS cannot build.
    case invalidFactory(String, reason: String)
    /// A setting that does not apply to the collection.
    case invalidSetting(String)
    /// A model that does not embed what the collection would hold (a text model for images).
    case modelKindMismatch(model: String, kind: CollectionKind)
    /// A collection that aliases still name cannot be deleted.
    case aliased(name: String, aliases: [String])
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
        case .unknownModel(let model, let known): "unknown model \"\(model)\"; known: \(known.joined(separator: ", "))"
        case .invalidFactory(let factory, let reason): "invalid index factory \"\(factory)\": \(reason)"
        case .invalidSetting(let reason): "invalid setting: \(reason)"
        case .modelKindMismatch(let model, let kind): "model \(model) does not embed \(kind.rawValue)"
        case .aliased(let name, let aliases):
            "collection \"\(name)\" is named by alias \(aliases.map { "\"\($0)\"" }.joined(separator: ", ")): move or delete the alias first"
        }
    }
}
