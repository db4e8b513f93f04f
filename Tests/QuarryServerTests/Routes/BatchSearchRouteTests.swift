import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QuarryServer
import Testing

/// `POST /v1/collections/{name}/search/batch` (issue #18).
@Suite struct BatchSearchRouteTests {
    static let queries = [
        #"{"query": "nprobe 是什么", "top_k": 2}"#,
        #"{"query": "product quantization codes", "top_k": 3, "mode": "vector"}"#,
        #"{"query": "efSearch", "mode": "keyword"}"#,
        #"{"query": "索引", "filter": {"source": "indexes.md"}}"#,
    ]

    func post(_ client: some TestClientProtocol, _ uri: String, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }

    /// (id, score rounded to 4 places) of each result.
    func ranking(_ results: Any?) throws -> [[Double]] {
        try #require(results as? [[String: Any]]).map { [Double($0["id"] as? Int ?? -1), (($0["score"] as? Double ?? .nan) * 1e4).rounded()] }
    }

    @Test func answersEachQueryAsASingleSearchWould() async throws {
        let server = try TestServer(cache: .init(capacity: 0))
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let batch = try await post(client, "/v1/collections/course/search/batch", #"{"queries": [\#(Self.queries.joined(separator: ","))]}"#)
            #expect(batch.status == .ok)
            let searches = try #require(try json(batch)["searches"] as? [[String: Any]])
            #expect(searches.count == Self.queries.count)
            for (query, search) in zip(Self.queries, searches) {
                let single = try json(try await post(client, "/v1/collections/course/search", query))
                #expect(search["query"] as? String == single["query"] as? String)
                #expect(search["mode"] as? String == single["mode"] as? String)
                #expect(try ranking(search["results"]) == ranking(single["results"]), "\(query)")
                #expect(try !ranking(search["results"]).isEmpty)
            }
        }
    }

    @Test func refusesEmptyOversizedAndInvalidBatches() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let tooMany = Array(repeating: #"{"query": "q"}"#, count: 65).joined(separator: ",")
            for body in [
                #"{"queries": []}"#, #"{"queries": [\#(tooMany)]}"#, #"{"queries": [{"query": ""}]}"#,
                #"{"queries": [{"query": "q", "top_k": 0}]}"#, #"{"queries": [{"query": "q"}], "mode": "vector"}"#,
            ] {
                let response = try await post(client, "/v1/collections/course/search/batch", body)
                #expect(response.status == .badRequest, "\(body.prefix(60))")
                #expect(try errorCode(response) == "invalid_request")
            }
            #expect(try await post(client, "/v1/collections/missing/search/batch", #"{"queries": [{"query": "q"}]}"#).status == .notFound)
        }
    }
}
