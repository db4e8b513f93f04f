import QuarryCore

/// The JSON body of `POST /v1/collections/{name}/search`; encoded, what a node sends the
/// nodes holding the other shards of a sharded collection.
struct SearchRequestBody: Codable {
    var query: String
    var topK: Int?
    var mode: SearchMode?
    var filter: Filter?
    var minScore: Double?

    struct Filter: Codable {
        var source: String?
        var chapter: String?

        init(source: String?, chapter: String?) {
            self.source = source
            self.chapter = chapter
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case source, chapter
        }

        init(from decoder: any Decoder) throws {
            try StrictJSON.rejectUnknownKeys(in: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            source = try container.decodeIfPresent(String.self, forKey: .source)
            chapter = try container.decodeIfPresent(String.self, forKey: .chapter)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case query
        case topK = "top_k"
        case mode, filter
        case minScore = "min_score"
    }

    /// The body asking for `request`.
    init(_ request: TextSearchRequest) {
        query = request.query
        topK = request.topK
        mode = request.mode
        filter = request.filter.isEmpty ? nil : Filter(source: request.filter.source, chapter: request.filter.chapter)
        minScore = request.minScore
    }

    init(from decoder: any Decoder) throws {
        try StrictJSON.rejectUnknownKeys(in: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        query = try container.decode(String.self, forKey: .query)
        topK = try container.decodeIfPresent(Int.self, forKey: .topK)
        mode = try container.decodeIfPresent(SearchMode.self, forKey: .mode)
        filter = try container.decodeIfPresent(Filter.self, forKey: .filter)
        minScore = try container.decodeIfPresent(Double.self, forKey: .minScore)
    }

    /// The core request, after checking every value against `limits`.
    func validated(limits: RequestLimits, defaultTopK: Int) throws(APIError) -> TextSearchRequest {
        TextSearchRequest(
            query: try limits.validatedQuery(query),
            topK: try limits.validatedTopK(topK ?? defaultTopK),
            mode: mode ?? .hybrid,
            filter: PassageFilter(source: filter?.source, chapter: filter?.chapter),
            minScore: try minScore.map { (score) throws(APIError) in
                guard score.isFinite else { throw APIError.invalidRequest("min_score must be a finite number") }
                return score
            }
        )
    }
}
