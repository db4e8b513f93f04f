import Hummingbird
import QuarryCore

/// The JSON answer of an image search or a "more like this" search.
struct ImageSearchResponse: ResponseEncodable {
    let collection: String
    let tookMilliseconds: Double
    /// Inverted lists visited; nil for a Flat index.
    let nprobe: Int?
    /// Whether the server was under load and ran a cheaper search.
    let degraded: Bool
    /// The item the search started from (`…/items/{id}/similar`).
    let queryID: Int64?
    let results: [Result]

    struct Result: Encodable {
        let rank: Int
        let id: Int64
        let score: Double
        let category: String
        let price: Double?
        let title: String
        let imageURL: String
        let thumbnailURL: String
        let metadata: [String: JSONValue]

        init(_ hit: ImageSearchHit, collection: String) {
            rank = hit.rank
            id = hit.image.id
            score = hit.score
            category = hit.image.category
            price = hit.image.price
            title = hit.image.title
            imageURL = ImageItemResponse.imageURL(collection: collection, id: hit.image.id)
            thumbnailURL = ImageItemResponse.thumbnailURL(collection: collection, id: hit.image.id)
            metadata = hit.image.metadata
        }

        enum CodingKeys: String, CodingKey {
            case rank, id, score, category, price, title, metadata
            case imageURL = "image_url"
            case thumbnailURL = "thumbnail_url"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rank, forKey: .rank)
            try container.encode(id, forKey: .id)
            try container.encode(score, forKey: .score)
            try container.encode(category, forKey: .category)
            try container.encode(price, forKey: .price)
            try container.encode(title, forKey: .title)
            try container.encode(imageURL, forKey: .imageURL)
            try container.encode(thumbnailURL, forKey: .thumbnailURL)
            try container.encode(metadata, forKey: .metadata)
        }
    }

    init(collection: String, tookMilliseconds: Double, result: ImageSearchResult, degraded: Bool, queryID: Int64? = nil) {
        self.collection = collection
        self.tookMilliseconds = tookMilliseconds
        self.degraded = degraded
        nprobe = result.nprobe
        self.queryID = queryID
        results = result.hits.map { Result($0, collection: collection) }
    }

    enum CodingKeys: String, CodingKey {
        case collection, nprobe, results, degraded
        case tookMilliseconds = "took_ms"
        case queryID = "query_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(collection, forKey: .collection)
        try container.encode(tookMilliseconds, forKey: .tookMilliseconds)
        try container.encode(nprobe, forKey: .nprobe)
        try container.encode(degraded, forKey: .degraded)
        try container.encodeIfPresent(queryID, forKey: .queryID)
        try container.encode(results, forKey: .results)
    }
}
