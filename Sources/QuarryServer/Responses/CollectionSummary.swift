import Hummingbird
import QuarryCore

/// What `GET /v1/collections[/{name}]` reports about a collection.
struct CollectionSummary: ResponseEncodable {
    let name: String
    let kind: CollectionKind
    let model: String
    let dimension: Int
    let metric: String
    let index: String
    let vectors: Int
    let documents: Int
    let passages: Int

    init(_ collection: TextCollection) throws {
        name = collection.name
        kind = collection.configuration.kind
        model = collection.configuration.model
        dimension = collection.configuration.dimension
        metric = collection.configuration.metric.rawValue
        index = collection.configuration.factory
        vectors = collection.index.count
        documents = try collection.store.documentCount()
        passages = try collection.store.passageCount()
    }
}

/// `GET /v1/collections`.
struct CollectionList: ResponseEncodable {
    let collections: [CollectionSummary]
}
