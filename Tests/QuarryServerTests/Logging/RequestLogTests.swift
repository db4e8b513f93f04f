import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import QuarryServer
import Testing

@Suite(.serialized) struct RequestLogTests {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let query = "HNSW efSearch secret-ish query"

    func search(_ client: some TestClientProtocol, collection: String = "course", headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = "application/json"
        return try await client.execute(
            uri: "/v1/collections/\(collection)/search?trace=1", method: .post, headers: fields,
            body: ByteBuffer(string: #"{"query": "\#(Self.query)", "top_k": 1}"#)
        )
    }

    func isGeneratedID(_ id: String?) -> Bool {
        id.map { UUID(uuidString: $0) != nil } ?? false
    }

    @Test func everyResponseCarriesARequestID() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let ok = try await search(client)
            #expect(ok.status == .ok && isGeneratedID(ok.headers[Self.requestID]))
            let invalid = try await client.execute(
                uri: "/v1/collections/course/search", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{")
            )
            #expect(invalid.status == .badRequest && isGeneratedID(invalid.headers[Self.requestID]))
            let missing = try await search(client, collection: "nope")
            #expect(missing.status == .notFound && isGeneratedID(missing.headers[Self.requestID]))
            #expect(try errorCode(missing) == "collection_not_found")
            let unmatched = try await client.execute(uri: "/no/such/route", method: .get)
            #expect(unmatched.status == .notFound && isGeneratedID(unmatched.headers[Self.requestID]))
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(isGeneratedID(health.headers[Self.requestID]))
            #expect(ok.headers[Self.requestID] != missing.headers[Self.requestID])
        }
    }

    @Test func saneIncomingIDsAreEchoedOthersReplaced() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let sane = "client-42.retry_1"
            #expect(try await search(client, headers: [Self.requestID: sane]).headers[Self.requestID] == sane)
            let longest = String(repeating: "a", count: 64)
            #expect(try await search(client, headers: [Self.requestID: longest]).headers[Self.requestID] == longest)
            #expect(try await search(client, collection: "nope", headers: [Self.requestID: sane]).headers[Self.requestID] == sane)
            for insane in [String(repeating: "a", count: 65), "has space", "quote\"", "ünï", "a/b"] {
                let response = try await search(client, headers: [Self.requestID: insane])
                #expect(isGeneratedID(response.headers[Self.requestID]), "\(insane)")
            }
        }
    }

    @Test func oneInfoLinePerRequestWithoutTheQuery() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let lines = LogLines()
        let application = Application(
            router: QuarryApplication.router(library: server.library, configuration: server.configuration),
            logger: lines.logger(label: "quarry")
        )
        try await application.test(.router) { client in
            let ok = try await search(client, headers: [Self.requestID: "trace-me"])
            #expect(ok.status == .ok)
            let missing = try await search(client, collection: "nope")
            #expect(missing.status == .notFound)
        }
        let requests = try lines.objects().filter { $0["message"] == "request" }
        #expect(requests.count == 2)
        let first = try #require(requests.first)
        #expect(first["level"] == "info")
        #expect(first["request_id"] == "trace-me")
        #expect(first["method"] == "POST")
        #expect(first["route"] == "/v1/collections/{name}/search")
        #expect(first["path"] == "/v1/collections/course/search")
        #expect(first["status"] == "200")
        #expect(Double(first["latency_ms"] ?? "") ?? -1 >= 0)
        let second = try #require(requests.last)
        #expect(second["status"] == "404" && second["path"] == "/v1/collections/nope/search")
        #expect(UUID(uuidString: second["request_id"] ?? "") != nil)
        #expect(!lines.all.contains { $0.contains(Self.query) })
    }
}
