import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QuarryServer
import Testing

@Suite(.serialized) struct MaintenanceRouteTests {
    static let admin: HTTPFields = [.authorization: "Bearer \(TestServer.adminToken)"]
    static let adminJSON: HTTPFields = [.authorization: "Bearer \(TestServer.adminToken)", .contentType: "application/json"]

    func search(_ client: some TestClientProtocol, _ query: String) async throws -> [String] {
        let response = try await client.execute(
            uri: "/v1/collections/course/search", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"query": "\#(query)", "top_k": 5, "mode": "vector"}"#)
        )
        return try #require(try json(response)["results"] as? [[String: Any]]).compactMap { $0["source"] as? String }
    }

    @Test func deletingADocumentRemovesItsPassagesFromSearch() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            #expect(try await search(client, "product quantization").contains("pq.md"))
            let anonymous = try await client.execute(uri: "/v1/collections/course/documents?source=pq.md", method: .delete)
            #expect(anonymous.status == .unauthorized)
            let deleted = try await client.execute(uri: "/v1/collections/course/documents?source=pq.md", method: .delete, headers: Self.admin)
            #expect(deleted.status == .ok)
            #expect(try json(deleted)["removed"] as? Int == 1 && json(deleted)["vectors"] as? Int == 2)
            #expect(try await !search(client, "product quantization").contains("pq.md"))
            let again = try await client.execute(uri: "/v1/collections/course/documents?source=pq.md", method: .delete, headers: Self.admin)
            #expect(again.status == .notFound)
            let noSource = try await client.execute(uri: "/v1/collections/course/documents", method: .delete, headers: Self.admin)
            #expect(noSource.status == .badRequest)
        }
    }

    @Test func deletingItemsOfBothKinds() async throws {
        let server = try ImageTestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let image = try await client.execute(uri: "/v1/collections/products/items/\(server.ids[0])", method: .delete, headers: Self.admin)
            #expect(try image.status == .ok && json(image)["vectors"] as? Int == 5)
            let gone = try await client.execute(uri: "/v1/collections/products/items/\(server.ids[0])", method: .get)
            #expect(gone.status == .notFound)
            let similar = try json(try await client.execute(uri: "/v1/collections/products/items/\(server.ids[1])/similar", method: .get))
            let ids = try #require(similar["results"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
            #expect(!ids.contains(Int(server.ids[0])))
            let passage = try await client.execute(uri: "/v1/collections/course/items/1", method: .delete, headers: Self.admin)
            #expect(try passage.status == .ok && json(passage)["vectors"] as? Int == 2)
            for uri in ["/v1/collections/course/items/1", "/v1/collections/course/items/abc", "/v1/collections/none/items/1"] {
                #expect(try await client.execute(uri: uri, method: .delete, headers: Self.admin).status == .notFound)
            }
        }
    }

    @Test func reindexSwapsInANewIndexType() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let before = try await search(client, "IVF nprobe")
            let response = try await client.execute(
                uri: "/v1/collections/course/reindex", method: .post, headers: Self.adminJSON,
                body: ByteBuffer(string: #"{"factory": "HNSW16,Flat"}"#)
            )
            #expect(response.status == .ok)
            #expect(try json(response)["index"] as? String == "HNSW16,Flat" && json(response)["vectors"] as? Int == 3)
            let details = try json(try await client.execute(uri: "/v1/collections/course", method: .get))
            #expect(details["index"] as? String == "HNSW16,Flat")
            #expect(try await search(client, "IVF nprobe") == before)
            let plain = try await client.execute(uri: "/v1/collections/course/reindex", method: .post, headers: Self.admin)
            #expect(try plain.status == .ok && json(plain)["index"] as? String == "HNSW16,Flat")
            let bad = try await client.execute(
                uri: "/v1/collections/course/reindex", method: .post, headers: Self.adminJSON,
                body: ByteBuffer(string: #"{"factory": "NotAnIndex"}"#)
            )
            #expect(bad.status == .badRequest)
            let unknownField = try await client.execute(
                uri: "/v1/collections/course/reindex", method: .post, headers: Self.adminJSON,
                body: ByteBuffer(string: #"{"fatcory": "Flat"}"#)
            )
            #expect(unknownField.status == .badRequest)
            #expect(try await client.execute(uri: "/v1/collections/course/reindex", method: .post).status == .unauthorized)
        }
    }
}
