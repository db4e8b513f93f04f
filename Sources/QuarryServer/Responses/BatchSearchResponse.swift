import Hummingbird
import QuarryCore

/// The JSON answer of `POST /v1/collections/{name}/search/batch`: one entry per query, in order.
struct BatchSearchResponse: ResponseEncodable, Sendable {
    let collection: String
    var tookMilliseconds: Double
    var degraded: Bool
    let searches: [Search]

    /// One query's answer.
    struct Search: Encodable, Sendable {
        let query: String
        let mode: SearchMode
        let results: [SearchResponse.Result]
    }

    enum CodingKeys: String, CodingKey {
        case collection
        case tookMilliseconds = "took_ms"
        case degraded, searches
    }
}
