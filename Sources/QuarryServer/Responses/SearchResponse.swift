import Hummingbird
import QuarryCore

/// The JSON answer of `POST /v1/collections/{name}/search`.
struct SearchResponse: ResponseEncodable, Sendable {
    let collection: String
    let query: String
    let mode: SearchMode
    var tookMilliseconds: Double
    var degraded: Bool
    let results: [Result]

    struct Result: Encodable, Sendable {
        let hit: TextSearchHit

        enum CodingKeys: String, CodingKey {
            case rank, id, score, text, source, chapter, page, span, metadata
        }

        struct Span: Encodable {
            let start: Int
            let end: Int
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(hit.rank, forKey: .rank)
            try container.encode(hit.passage.id, forKey: .id)
            try container.encode(hit.score, forKey: .score)
            try container.encode(hit.passage.text, forKey: .text)
            try container.encode(hit.passage.source, forKey: .source)
            try container.encode(hit.passage.chapter, forKey: .chapter)
            try container.encode(hit.passage.page, forKey: .page)
            try container.encode(hit.passage.span.map { Span(start: $0.lowerBound, end: $0.upperBound) }, forKey: .span)
            try container.encode(hit.passage.metadata, forKey: .metadata)
        }
    }

    enum CodingKeys: String, CodingKey {
        case collection, query, mode, degraded, results
        case tookMilliseconds = "took_ms"
    }
}
