import Embeddings
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QuarryServer
import Testing

/// Each request that once crashed or stalled the server, answered with a 4xx instead
/// (the socket-level attacks are replayed against a live binary by Tests/System/hostile_client_test.py).
@Suite(.serialized) struct HostileRequestTests {
    static let admin: HTTPFields = [.authorization: "Bearer \(TestServer.adminToken)"]
    static let server = Result { try ImageTestServer() }

    func withImageServer(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Self.server.get().application.test(.router) { client in try await body(client) }
    }

    func post(
        _ client: some TestClientProtocol, _ uri: String, contentType: String, _ body: [UInt8], headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = contentType
        return try await client.execute(uri: uri, method: .post, headers: fields, body: ByteBuffer(bytes: body))
    }

    @Test func aBareLineFeedInAMultipartHeaderIsABadRequest() async throws {
        let body = Array("--B\r\nContent-Type: x\n\r\n\u{89}PNG\r\n--B--\r\n".utf8)
        let multipart = "multipart/form-data; boundary=B"
        try await withImageServer { client in
            for uri in ["/v1/collections/products/search/image", "/v1/collections/products/images", "/v1/collections/course/documents"] {
                let response = try await post(client, uri, contentType: multipart, body, headers: Self.admin)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(try errorCode(response) == "invalid_request")
            }
        }
    }

    @Test func delimitersWithoutNewlinesAreABadRequest() async throws {
        let body = [UInt8](repeating: 0, count: 240_000).enumerated().map { Array("--B".utf8)[$0.offset % 3] }
        try await withImageServer { client in
            let response = try await post(
                client, "/v1/collections/products/search/image", contentType: "multipart/form-data; boundary=C", body
            )
            #expect(response.status == .badRequest)
        }
    }

    @Test(arguments: [(1_000_000, 1), (20_000, 1), (1, 20_000)])
    func extremeAspectRatiosAreUnprocessable(width: Int, height: Int) async throws {
        let png = try ImageWriter.pngData(
            DecodedImage(width: width, height: height, pixels: [UInt8](repeating: 9, count: width * height * 3))
        )
        try await withImageServer { client in
            let response = try await post(client, "/v1/collections/products/search/image", contentType: "image/png", Array(png))
            #expect(response.status == .unprocessableContent)
            #expect(try errorCode(response) == "image_aspect_ratio")
        }
    }

    /// One base letter with 200,000 combining marks was one "character" and cost 94 s of embedding.
    @Test func queriesAreMeasuredInBytesScalarsAndTokens() async throws {
        let marks = "a" + String(repeating: "\u{301}", count: 200_000)
        let server = try TestServer(limits: RequestLimits(maxQueryTokens: 12), cache: .init(capacity: 0))
        defer { server.remove() }
        try await server.application.test(.router) { client in
            func search(_ uri: String, _ query: String) async throws -> TestResponse {
                let body = try JSONSerialization.data(withJSONObject: ["query": query, "top_k": 3])
                return try await post(client, uri, contentType: "application/json", Array(body))
            }
            for uri in ["/v1/collections/course/search", "/text-search"] {
                let combining = try await search(uri, marks)
                #expect(combining.status == .badRequest, "\(uri)")
                #expect(try json(combining).description.contains("bytes"))
                let scalars = try await search(uri, "a" + String(repeating: "\u{301}", count: 1_200))
                #expect(scalars.status == .badRequest)
                #expect(try json(scalars).description.contains("characters"))
                let tokens = try await search(uri, "one two three four five six seven eight nine ten eleven twelve")
                #expect(tokens.status == .badRequest)
                #expect(try json(tokens).description.contains("tokens"))
                #expect(try await search(uri, "IVF nprobe").status == .ok)
            }
        }
    }

    @Test(arguments: ["IVF0,Flat", "HNSW0,Flat", "PQ0", "OPQ0,Flat", "NSG32,Flat", "PQ7", "IVF-1,Flat", ""])
    func reindexFactoriesThatCrashedFAISSAreABadRequest(factory: String) async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let body = try JSONSerialization.data(withJSONObject: ["factory": factory])
            let response = try await post(client, "/v1/collections/course/reindex", contentType: "application/json", Array(body), headers: Self.admin)
            #expect(response.status == .badRequest)
            #expect(try json(response).description.contains("invalid index factory"))
        }
    }

    /// `/search/` was routed like `/search` but escaped load shedding, which matched path suffixes.
    @Test func everySpellingOfASearchRouteIsLoadShed() async throws {
        let server = try TestServer(load: LoadLimits(hardLimit: 0))
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let body = Array(#"{"query": "IVF", "top_k": 2}"#.utf8)
            for uri in ["/v1/collections/course/search", "/v1/collections/course/search/", "/text-search", "/text-search/"] {
                let response = try await post(client, uri, contentType: "application/json", body)
                #expect(response.status == .serviceUnavailable, "\(uri)")
                #expect(try errorCode(response) == "overloaded")
            }
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test func headAnswersLikeGetWithoutABody() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            for uri in ["/health", "/", "/openapi.json"] {
                let get = try await client.execute(uri: uri, method: .get)
                let head = try await client.execute(uri: uri, method: .head)
                #expect(head.status == .ok, "\(uri)")
                #expect(head.body.readableBytes == 0)
                #expect(head.headers[.contentType] == get.headers[.contentType])
            }
        }
    }

    @Test func writesAreClosedWithoutATokenUnlessOpenedOnPurpose() async throws {
        let document = Array(##"{"documents": [{"source": "new.md", "text": "# New\n\nFresh text about IVF."}]}"##.utf8)
        let closed = try TestServer(adminToken: nil)
        defer { closed.remove() }
        try await closed.application.test(.router) { client in
            let response = try await post(client, "/v1/collections/course/documents", contentType: "application/json", document)
            #expect(response.status == .unauthorized)
            #expect(try json(response).description.contains("no admin token is configured"))
            let reindex = try await post(client, "/v1/collections/course/reindex", contentType: "application/json", Array("{}".utf8))
            #expect(reindex.status == .unauthorized)
            let delete = try await client.execute(uri: "/v1/collections/course/documents?source=pq.md", method: .delete)
            #expect(delete.status == .unauthorized)
        }
        let open = try TestServer(adminToken: nil, insecureOpenWrites: true)
        defer { open.remove() }
        try await open.application.test(.router) { client in
            let response = try await post(client, "/v1/collections/course/documents", contentType: "application/json", document)
            #expect(response.status == .created)
        }
        let guarded = try TestServer()
        defer { guarded.remove() }
        try await guarded.application.test(.router) { client in
            let wrong = try await post(
                client, "/v1/collections/course/documents", contentType: "application/json", document,
                headers: [.authorization: "Bearer \(TestServer.adminToken)x"]
            )
            #expect(wrong.status == .unauthorized)
            let right = try await post(client, "/v1/collections/course/documents", contentType: "application/json", document, headers: Self.admin)
            #expect(right.status == .created)
        }
    }

    /// The server as `quarry serve` runs it, through Quarry's connection guards, over a real connection.
    @Test func theLiveServerAnswersThroughItsConnectionGuards() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.liveApplication.test(.ahc(.http)) { client in
            let search = try await client.execute(
                uri: "/v1/collections/course/search/", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"query": "HNSW efSearch", "top_k": 2}"#)
            )
            #expect(search.status == .ok)
            #expect((try json(search)["results"] as? [Any])?.count == 2)
            let head = try await client.execute(uri: "/health", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
        }
    }

    /// Found by fuzzing: 8 KB of nested arrays in a document's metadata kept Foundation's decoder busy
    /// for seconds (it rebuilds the coding path at every level).
    @Test func deeplyNestedJSONIsABadRequest() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let nested = String(repeating: "[", count: 4_000) + String(repeating: "]", count: 4_000)
        let body = #"{"documents": [{"source": "s.md", "text": "t", "metadata": {"a": \#(nested)}}]}"#
        try await server.application.test(.router) { client in
            let response = try await post(
                client, "/v1/collections/course/documents", contentType: "application/json", Array(body.utf8), headers: Self.admin)
            #expect(response.status == .badRequest)
            #expect(try json(response).description.contains("nests"))
            let quoted = #"{"query": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ IVF", "top_k": 2}"#
            #expect(try await post(client, "/v1/collections/course/search", contentType: "application/json", Array(quoted.utf8)).status == .ok)
        }
    }
}
