import QuarryCore

/// The JSON body of `POST /v1/collections/{name}/search`.
struct SearchRequestBody: Decodable {
    var query: String
    var topK: Int?
    var mode: SearchMode?
    var filter: Filter?
    var minScore: Double?

    struct Filter: Decodable {
        var source: String?
        var chapter: String?

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
