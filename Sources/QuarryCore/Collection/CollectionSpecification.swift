import Embeddings

/// What a client asks a collection to be when it creates one over the API (stored as JSON in cluster mode).
public struct CollectionSpecification: Sendable, Equatable, Codable {
    public var kind: CollectionKind
    /// Registry name of the embedding model (``ModelRegistry``); it must embed `kind`.
    public var model: String
    /// FAISS factory string of the index; nil lets Quarry choose it from the collection's size.
    public var factory: String?
    /// Defaults of searches that give none; nil keeps Quarry's.
    public var searchDefaults: CollectionConfiguration.SearchDefaults?
    /// Image collections: the score from which an image counts as a near duplicate; nil keeps
    /// ``ImageCollection/defaultDuplicateThreshold``.
    public var duplicateThreshold: Double?
    /// Cluster mode, text collections: the shards and replicas to split the collection into;
    /// nil keeps it whole on every node.
    public var sharding: ShardLayout?

    public init(
        kind: CollectionKind, model: String, factory: String? = nil,
        searchDefaults: CollectionConfiguration.SearchDefaults? = nil, duplicateThreshold: Double? = nil, sharding: ShardLayout? = nil
    ) {
        self.kind = kind
        self.model = model
        self.factory = factory
        self.searchDefaults = searchDefaults
        self.duplicateThreshold = duplicateThreshold
        self.sharding = sharding
    }

    /// Whether the collection `configuration` describes is the one this asks for: same kind and
    /// model, the same factory (or one Quarry chooses when none is given), and the settings
    /// this gives.
    public func matches(_ configuration: CollectionConfiguration) -> Bool {
        guard configuration.kind == kind, configuration.model == model, configuration.sharding == sharding else { return false }
        if let searchDefaults, searchDefaults != configuration.searchDefaults { return false }
        if let duplicateThreshold, duplicateThreshold != configuration.duplicateThreshold { return false }
        guard let factory else { return configuration.automaticFactory == true }
        return configuration.automaticFactory != true && configuration.factory == factory
    }

    /// Writes the settings this gives into `configuration`.
    func apply(to configuration: inout CollectionConfiguration) {
        if let searchDefaults { configuration.searchDefaults = searchDefaults }
        if let duplicateThreshold { configuration.duplicateThreshold = duplicateThreshold }
        configuration.sharding = sharding
    }
}
