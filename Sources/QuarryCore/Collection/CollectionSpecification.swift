import Embeddings

/// What a client asks a collection to be when it creates one over the API.
public struct CollectionSpecification: Sendable, Equatable {
    public var kind: CollectionKind
    /// Registry name of the embedding model (``ModelRegistry``); it must embed `kind`.
    public var model: String
    /// FAISS factory string of the index; nil lets Quarry choose it from the collection's size.
    public var factory: String?

    public init(kind: CollectionKind, model: String, factory: String? = nil) {
        self.kind = kind
        self.model = model
        self.factory = factory
    }

    /// Whether the collection `configuration` describes is the one this asks for: same kind and
    /// model, and the same factory, or one Quarry chooses when none is given.
    public func matches(_ configuration: CollectionConfiguration) -> Bool {
        guard configuration.kind == kind, configuration.model == model else { return false }
        guard let factory else { return configuration.automaticFactory == true }
        return configuration.automaticFactory != true && configuration.factory == factory
    }
}
