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
            case rank, id, score, text, source, chapter, page, span, metadata, highlights
        }

        struct Span: Encodable {
            let start: Int
            let end: Int

            init(_ range: Range<Int>) {
                start = range.lowerBound
                end = range.upperBound
            }
        }

        struct Highlights: Encodable {
            let sentence: Span?
            let terms: [Span]

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(sentence, forKey: .sentence)
                try container.encode(terms, forKey: .terms)
            }

            enum CodingKeys: String, CodingKey {
                case sentence, terms
            }
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
            try container.encode(hit.passage.span.map(Span.init), forKey: .span)
            try container.encode(hit.passage.metadata, forKey: .metadata)
            try container.encode(
                Highlights(sentence: hit.highlights.sentence.map(Span.init), terms: hit.highlights.terms.map(Span.init)), forKey: .highlights
            )
        }
    }

    enum CodingKeys: String, CodingKey {
        case collection, query, mode, degraded, results
        case tookMilliseconds = "took_ms"
    }
}
