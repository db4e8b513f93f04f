import Hummingbird
import QuarryCore

/// The JSON answer of an image search or a "more like this" search.
struct ImageSearchResponse: ResponseEncodable {
    let collection: String
    let tookMilliseconds: Double
    /// Inverted lists visited; nil for a Flat index.
    @NullEncoded var nprobe: Int?
    /// Whether the server was under load and ran a cheaper search.
    let degraded: Bool
    /// The item the search started from (`…/items/{id}/similar`).
    let queryID: Int64?
    /// The stored image the query nearly duplicates, or nil.
    @NullEncoded var duplicateOf: DuplicateResponse?
    let results: [Result]

    /// A ranked image: its rank and score, and the fields of ``ImageItemResponse``.
    struct Result: Encodable {
        let rank: Int
        let score: Double
        let item: ImageItemResponse

        init(_ hit: ImageSearchHit, collection: String) {
            rank = hit.rank
            score = hit.score
            item = ImageItemResponse(hit.image, collection: collection)
        }

        enum CodingKeys: String, CodingKey { case rank, score }

        func encode(to encoder: any Encoder) throws {
            try item.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rank, forKey: .rank)
            try container.encode(score, forKey: .score)
        }
    }

    init(collection: String, tookMilliseconds: Double, result: ImageSearchResult, degraded: Bool, queryID: Int64? = nil) {
        self.collection = collection
        self.tookMilliseconds = tookMilliseconds
        self.degraded = degraded
        nprobe = result.nprobe
        self.queryID = queryID
        duplicateOf = result.duplicateOf.map { DuplicateResponse($0, collection: collection) }
        results = result.hits.map { Result($0, collection: collection) }
    }

    enum CodingKeys: String, CodingKey {
        case collection, nprobe, results, degraded
        case tookMilliseconds = "took_ms"
        case queryID = "query_id"
        case duplicateOf = "duplicate_of"
    }
}
