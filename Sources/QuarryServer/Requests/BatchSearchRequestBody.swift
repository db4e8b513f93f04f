/// The JSON body of `POST /v1/collections/{name}/search/batch`: `{"queries": [search, …]}`,
/// each entry shaped like the body of `POST …/search`.
struct BatchSearchRequestBody: Decodable {
    /// Most queries in one batch.
    static let maxQueries = 64

    let queries: [SearchRequestBody]

    enum CodingKeys: String, CodingKey { case queries }

    init(from decoder: any Decoder) throws {
        try StrictJSON.rejectUnknownKeys(in: decoder, allowed: ["queries"])
        queries = try decoder.container(keyedBy: CodingKeys.self).decode([SearchRequestBody].self, forKey: .queries)
    }

    /// Checks the number of queries.
    func validate() throws(APIError) {
        guard (1...Self.maxQueries).contains(queries.count) else {
            throw APIError.invalidRequest("queries must hold 1 to \(Self.maxQueries) searches, got \(queries.count)")
        }
    }
}
