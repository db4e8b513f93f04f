import Hummingbird
import QuarryCore

/// What `GET /v1/collections[/{name}]` reports about a collection. Fields
/// that do not apply to the collection's kind are left out. The counts of a sharded collection
/// are those of the shards this node holds.
struct CollectionSummary: ResponseEncodable {
    struct Category: Encodable {
        let name: String
        let count: Int
    }

    let name: String
    let kind: CollectionKind
    let model: String
    let dimension: Int
    let metric: String
    let index: String
    let vectors: Int
    var documents: Int?
    var passages: Int?
    var images: Int?
    /// The nprobe image searches use by default (IVF only).
    var nprobe: Int?
    /// Image categories with their sizes (detail view only).
    var categories: [Category]?
    /// The collection's own defaults.
    let settings: Settings
    /// The answer to creating the collection: the change-log sequence number it reached (left out elsewhere).
    var seq: WriteSequence?
    /// Cluster mode: how the collection is sharded, and the shards this node holds (left out when it is whole).
    var sharding: Sharding?

    /// A sharded collection's layout as one node sees it.
    struct Sharding: Encodable {
        let shards: Int
        let replicas: Int
        let heldShards: [Int]

        init?(_ configuration: CollectionConfiguration) {
            guard let layout = configuration.sharding else { return nil }
            shards = layout.shards
            replicas = layout.replicas
            heldShards = configuration.heldShards ?? []
        }

        enum CodingKeys: String, CodingKey {
            case shards, replicas
            case heldShards = "held_shards"
        }
    }

    /// What a search that gives none uses, and (images) the near-duplicate threshold.
    struct Settings: Encodable {
        let topK: Int
        let nprobe: Int?
        let efSearch: Int?
        var duplicateThreshold: Double?

        init(_ configuration: CollectionConfiguration) {
            topK = configuration.searchDefaults.topK
            nprobe = configuration.searchDefaults.nprobe
            efSearch = configuration.searchDefaults.efSearch
        }

        enum CodingKeys: String, CodingKey {
            case topK = "top_k"
            case nprobe
            case efSearch = "ef_search"
            case duplicateThreshold = "duplicate_threshold"
        }
    }

    init(_ collection: TextCollection) throws {
        name = collection.name
        kind = collection.configuration.kind
        model = collection.configuration.model
        dimension = collection.configuration.dimension
        metric = collection.configuration.metric.rawValue
        index = collection.configuration.factory
        vectors = collection.vectorCount
        settings = Settings(collection.configuration)
        documents = try collection.documentCount()
        passages = try collection.passageCount()
        sharding = Sharding(collection.configuration)
    }

    init(_ collection: ImageCollection, detailed: Bool) throws {
        let configuration = collection.configuration
        name = collection.name
        kind = configuration.kind
        model = configuration.model
        dimension = configuration.dimension
        metric = configuration.metric.rawValue
        index = collection.indexFactory
        vectors = collection.vectorCount
        images = try collection.imageCount()
        var settings = Settings(configuration)
        settings.duplicateThreshold = collection.duplicateThreshold
        self.settings = settings
        nprobe = collection.defaultNprobe
        if detailed {
            categories = try collection.categories().map { Category(name: $0.name, count: $0.count) }
        }
    }
}

/// `GET /v1/collections`.
struct CollectionList: ResponseEncodable {
    let collections: [CollectionSummary]
}
