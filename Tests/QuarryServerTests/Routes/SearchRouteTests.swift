import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QuarryServer
import Testing

@Suite(.serialized) struct SearchRouteTests {
    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    func post(_ client: some TestClientProtocol, _ uri: String, _ body: String, headers: HTTPFields = jsonHeaders) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func searchAnswersWithTheContractShape() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let response = try await post(client, "/v1/collections/course/search", #"{"query": "  IVF 查询时搜索多少个簇？ ", "top_k": 2}"#)
            #expect(response.status == .ok)
            let body = try json(response)
            #expect(body["collection"] as? String == "course")
            #expect(body["query"] as? String == "IVF 查询时搜索多少个簇？")
            #expect(body["mode"] as? String == "hybrid")
            #expect(body["degraded"] as? Bool == false)
            #expect((body["took_ms"] as? Double ?? -1) >= 0)
            let results = try #require(body["results"] as? [[String: Any]])
            #expect(results.count == 2)
            let first = results[0]
            #expect(first["rank"] as? Int == 1)
            #expect(first["source"] as? String == "indexes.md")
            #expect(first["chapter"] as? String == "索引 > IVF")
            #expect(first["page"] as? Int == 2)
            #expect((first["span"] as? [String: Int]) == ["start": 10, "end": 34])
            #expect((first["metadata"] as? [String: String]) == ["level": "basic"])
            #expect(first["id"] is Int && first["score"] is Double && first["text"] is String)
            // Highlights are Unicode-scalar ranges of the text: the question's terms and its best sentence.
            let text = Array(try #require(first["text"] as? String).unicodeScalars)
            let highlights = try #require(first["highlights"] as? [String: Any])
            let terms = try #require(highlights["terms"] as? [[String: Int]]).map {
                String(String.UnicodeScalarView(text[$0["start"]!..<$0["end"]!]))
            }
            #expect(terms == ["IVF", "查询时", "搜索"], "terms \(terms)")
            #expect(highlights["sentence"] is [String: Int])
            #expect(results[1].keys.contains("page") && results[1]["page"] is NSNull)
        }
    }

    @Test func modesFiltersAndMinScore() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            for mode in ["vector", "keyword", "hybrid"] {
                let response = try await post(client, "/v1/collections/course/search", #"{"query": "efSearch 候选列表", "mode": "\#(mode)"}"#)
                #expect(response.status == .ok)
                let results = try #require(try json(response)["results"] as? [[String: Any]])
                #expect(results.first?["chapter"] as? String == "索引 > HNSW", "\(mode)")
            }
            let filtered = try await post(client, "/v1/collections/course/search", #"{"query": "vectors", "filter": {"source": "pq.md"}}"#)
            let results = try #require(try json(filtered)["results"] as? [[String: Any]])
            #expect(results.map { $0["source"] as? String } == ["pq.md"])
            let strict = try await post(client, "/v1/collections/course/search", #"{"query": "vectors", "mode": "vector", "min_score": 0.999}"#)
            #expect((try json(strict)["results"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: [
        (#"{"query": ""}"#, "empty query"),
        (#"{"query": "   "}"#, "blank query"),
        (#"{"query": "a", "top_k": 0}"#, "top_k too small"),
        (#"{"query": "a", "top_k": 51}"#, "top_k too large"),
        (#"{"query": "a", "top_k": "5"}"#, "top_k of the wrong type"),
        (#"{"query": 5}"#, "query of the wrong type"),
        (#"{"top_k": 5}"#, "missing query"),
        (#"{"query": "a", "mode": "fuzzy"}"#, "unknown mode"),
        (#"{"query": "a", "unknown": 1}"#, "unknown field"),
        (#"{"query": "a", "filter": {"page": 1}}"#, "unknown filter field"),
        (#"{"query": "a", "filter": "x"}"#, "filter of the wrong type"),
        (#"{"query": "a""#, "malformed JSON"),
        ("[1, 2]", "not an object"),
        ("", "empty body"),
        (#"{"query": null}"#, "null query"),
    ])
    func invalidRequestsGetJSON400(body: String, why: String) async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let response = try await post(client, "/v1/collections/course/search", body)
            #expect(response.status == .badRequest, "\(why)")
            #expect(try errorCode(response) == "invalid_request", "\(why)")
            let message = (try json(response)["error"] as? [String: Any])?["message"] as? String
            #expect(message?.isEmpty == false, "\(why)")
        }
    }

    @Test func otherClientErrors() async throws {
        let server = try TestServer(limits: .init(maxQueryLength: 20, maxJSONBodyBytes: 200))
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let missing = try await post(client, "/v1/collections/nope/search", #"{"query": "a"}"#)
            #expect(missing.status == .notFound)
            #expect(try errorCode(missing) == "collection_not_found")
            let long = try await post(client, "/v1/collections/course/search", #"{"query": "\#(String(repeating: "长", count: 21))"}"#)
            #expect(long.status == .badRequest)
            let huge = try await post(client, "/v1/collections/course/search", #"{"query": "\#(String(repeating: "x", count: 500))"}"#)
            #expect(huge.status == .contentTooLarge)
            #expect(try errorCode(huge) == "payload_too_large")
            let text = try await post(client, "/v1/collections/course/search", "query=a", headers: [.contentType: "text/plain"])
            #expect(text.status == .unsupportedMediaType)
            let invalidUTF8 = try await client.execute(
                uri: "/v1/collections/course/search", method: .post, headers: Self.jsonHeaders,
                body: ByteBuffer(bytes: Array(#"{"query": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8))
            )
            #expect(invalidUTF8.status == .badRequest)
        }
    }

    @Test func seedCompatibleTextSearch() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let response = try await post(client, "/text-search", #"{"query": "product quantization", "top_k": 1}"#)
            #expect(response.status == .ok)
            let body = try json(response)
            #expect(body["query"] as? String == "product quantization")
            let result = try #require((body["results"] as? [[String: Any]])?.first)
            #expect(result["rank"] as? Int == 1)
            #expect((result["similarity"] as? Double ?? 0) > 0.5)
            #expect((result["text"] as? String)?.contains("Product quantization") == true)
            #expect((result["metadata"] as? [String: Any])?["source"] as? String == "pq.md")
        }
    }

    @Test func collectionsAreListed() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let list = try await client.execute(uri: "/v1/collections", method: .get)
            let collections = try #require(try json(list)["collections"] as? [[String: Any]])
            #expect(collections.map { $0["name"] as? String } == ["course"])
            do {
                let body = try json(try await client.execute(uri: "/v1/collections/course", method: .get))
                #expect(body["kind"] as? String == "text")
                #expect(body["model"] as? String == "e5-small")
                #expect(body["dimension"] as? Int == 384)
                #expect(body["index"] as? String == "Flat")
                #expect(body["vectors"] as? Int == 3)
                #expect(body["documents"] as? Int == 2)
            }
        }
    }

    /// The same API over a real socket on a free loopback port.
    @Test func liveServerOnLoopback() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.live) { client in
            let response = try await post(client, "/v1/collections/course/search", #"{"query": "HNSW efSearch", "top_k": 1}"#)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.contains("application/json") == true)
            let missing = try await post(client, "/v1/collections/course/search", "{")
            #expect(missing.status == .badRequest)
        }
    }
}
