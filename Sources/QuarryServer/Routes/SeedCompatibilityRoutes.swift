import Hummingbird
import QuarryCore

/// `POST /text-search`: the request and response shapes of the tutorial's
/// FastAPI service, answered from the default text collection, so its
/// client works against Quarry unchanged.
struct SeedCompatibilityRoutes {
    let library: CollectionLibrary
    let limits: RequestLimits
    /// Collection answering `/text-search`; the first text collection when nil.
    let defaultCollection: String?
    let metrics: QuarryMetrics
    let executor: SearchExecutor

    struct Body: Decodable {
        var query: String
        var topK: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case query
            case topK = "top_k"
        }

        init(from decoder: any Decoder) throws {
            try StrictJSON.rejectUnknownKeys(in: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            query = try container.decode(String.self, forKey: .query)
            topK = try container.decodeIfPresent(Int.self, forKey: .topK)
        }
    }

    struct Answer: ResponseEncodable {
        struct Result: Encodable {
            let rank: Int
            let similarity: Double
            let text: String
            let metadata: [String: JSONValue]
        }
        let query: String
        let results: [Result]
    }

    func register(on groups: RouteGroups) {
        groups.searches.post("text-search") { request, context in
            let body = try await StrictJSON.decode(Body.self, from: request, limit: limits.maxJSONBodyBytes)
            let name = defaultCollection ?? library.allTextCollections.first?.name ?? ""
            guard let collection = library.textCollection(named: name) else { throw library.absentCollection(name) }
            guard collection.configuration.sharding == nil else {
                throw APIError(
                    .conflict, code: "sharded_collection",
                    message: "\"\(name)\" is sharded: search it with POST /v1/collections/\(name)/search, which asks every shard")
            }
            let query = try limits.validatedQuery(body.query)
            let request = TextSearchRequest(query: query, topK: try limits.validatedTopK(body.topK ?? 5), mode: .vector)
            let result = try await executor.search(request, in: collection, degraded: context.isDegraded, limits: limits, metrics: metrics)
            return Answer(
                query: query,
                results: result.hits.map { hit in
                    var metadata = hit.passage.metadata
                    metadata["source"] = .string(hit.passage.source)
                    metadata["chapter"] = .string(hit.passage.chapter)
                    metadata["page"] = hit.passage.page.map { .number(Double($0)) } ?? .null
                    return Answer.Result(rank: hit.rank, similarity: hit.score, text: hit.passage.text, metadata: metadata)
                })
        }
    }
}
