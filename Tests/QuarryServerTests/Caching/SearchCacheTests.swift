import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QuarryCore
import Testing

@testable import QuarryServer

@Suite(.serialized) struct SearchCacheTests {
    func search(_ client: some TestClientProtocol, _ query: String) async throws -> [String] {
        let response = try await client.execute(
            uri: "/v1/collections/course/search", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"query": "\#(query)", "top_k": 5, "mode": "keyword"}"#)
        )
        #expect(response.status == .ok)
        return try #require(try json(response)["results"] as? [[String: Any]]).compactMap { $0["source"] as? String }
    }

    func counter(_ client: some TestClientProtocol, _ name: String) async throws -> Double {
        let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
    }

    @Test func repeatedQuestionsHitTheCacheAndWritesInvalidateIt() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            #expect(try await search(client, "quantization") == ["pq.md"])
            let hits = try await counter(client, "quarry_cache_hits_total")
            #expect(try await search(client, "quantization") == ["pq.md"])
            #expect(try await counter(client, "quarry_cache_hits_total") == hits + 1)
            let added = try await client.execute(
                uri: "/v1/collections/course/documents", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(TestServer.adminToken)"],
                body: ByteBuffer(string: #"{"documents": [{"source": "sq.md", "text": "Scalar quantization stores each component in 8 bits."}]}"#)
            )
            #expect(added.status == .created)
            // The write made the cached answer stale: the new document shows up at once.
            #expect(Set(try await search(client, "quantization")) == ["pq.md", "sq.md"])
        }
    }

    /// Two openings of one folder have the same name, creation time (whole seconds on disk) and
    /// generation, as a collection deleted and created again within a second can: their
    /// answers must never be confused.
    @Test func collectionsOfTheSameNameNeverShareCacheKeys() throws {
        let server = try TestServer()
        defer { server.remove() }
        let course = try #require(server.library.textCollection(named: "course"))
        try course.checkpoint()
        let first = try TextCollection.open(folder: course.folder, encoder: course.encoder, logger: course.logger)
        let second = try TextCollection.open(folder: course.folder, encoder: course.encoder, logger: course.logger)
        #expect(first.name == second.name)
        #expect(first.generation == second.generation)
        #expect(first.configuration.createdAt == second.configuration.createdAt)
        let cache = SearchCache(capacity: 8, timeToLive: 60)
        let request = TextSearchRequest(query: "quantization")
        #expect(cache.key(first, request) != cache.key(second, request))
        #expect(cache.key(first, request) == cache.key(first, request))
    }
}
