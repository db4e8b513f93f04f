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

    struct Result: Codable, Sendable {
        let hit: TextSearchHit

        enum CodingKeys: String, CodingKey {
            case rank, id, score, text, source, chapter, page, span, metadata, highlights
        }

        struct Span: Codable {
            let start: Int
            let end: Int

            init(_ range: Range<Int>) {
                start = range.lowerBound
                end = range.upperBound
            }

            /// The range this spans (empty when the end comes first).
            var range: Range<Int> { start..<max(start, end) }
        }

        struct Highlights: Codable {
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

        init(hit: TextSearchHit) {
            self.hit = hit
        }

        /// A result as another node answered it.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let highlights = try container.decode(Highlights.self, forKey: .highlights)
            hit = TextSearchHit(
                rank: try container.decode(Int.self, forKey: .rank),
                passage: StoredPassage(
                    id: try container.decode(Int64.self, forKey: .id), source: try container.decode(String.self, forKey: .source),
                    text: try container.decode(String.self, forKey: .text), chapter: try container.decode(String.self, forKey: .chapter),
                    page: try container.decodeIfPresent(Int.self, forKey: .page),
                    span: try container.decodeIfPresent(Span.self, forKey: .span).map(\.range),
                    metadata: try container.decode([String: JSONValue].self, forKey: .metadata)
                ),
                score: try container.decode(Double.self, forKey: .score),
                highlights: QuarryCore.Highlights(sentence: highlights.sentence?.range, terms: highlights.terms.map(\.range))
            )
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
