import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QuarryServer
import Testing

/// The image API of the contract, against the real EfficientNet-Lite0.
@Suite(.serialized) struct ImageRouteTests {
    static let server = Result { try ImageTestServer() }

    func withServer(_ body: @escaping @Sendable (ImageTestServer, any TestClientProtocol) async throws -> Void) async throws {
        let server = try Self.server.get()
        try await server.application.test(.router) { client in try await body(server, client) }
    }

    func searchImage(_ client: some TestClientProtocol, _ data: Data, query: String = "", name: String = "query.png") async throws -> TestResponse {
        var body = MultipartBody()
        body.addFile(field: "image", name: name, data: Array(data), contentType: "image/png")
        return try await client.execute(
            uri: "/v1/collections/products/search/image\(query)", method: .post,
            headers: [.contentType: MultipartBody.contentType], body: body.buffer
        )
    }

    @Test func searchByUploadedImageAnswersWithTheContractShape() async throws {
        try await withServer { server, client in
            let response = try await searchImage(client, try ImageTestServer.picture(seed: 4), query: "?top_k=3")
            #expect(response.status == .ok)
            let body = try json(response)
            #expect(body["collection"] as? String == "products")
            #expect(body["nprobe"] is NSNull)
            #expect((body["took_ms"] as? Double ?? -1) >= 0)
            let results = try #require(body["results"] as? [[String: Any]])
            #expect(results.count == 3)
            let first = results[0]
            #expect(first["rank"] as? Int == 1)
            #expect(first["id"] as? Int == Int(server.ids[4]))
            #expect((first["score"] as? Double ?? 0) > 0.99)
            #expect(first["category"] as? String == "cool")
            #expect(first["price"] as? Double == 50)
            #expect(first["title"] as? String == "picture 4")
            #expect(first["image_url"] as? String == "/v1/collections/products/items/\(server.ids[4])/image")
            #expect(first["thumbnail_url"] as? String == "/v1/collections/products/items/\(server.ids[4])/thumbnail")
            #expect((first["metadata"] as? [String: Int]) == ["seed": 4])
        }
    }

    @Test func rawImageBodyAndFilters() async throws {
        try await withServer { server, client in
            let raw = try await client.execute(
                uri: "/v1/collections/products/search/image?top_k=2&category=warm&price_max=20", method: .post,
                headers: [.contentType: "image/png"], body: ByteBuffer(bytes: try ImageTestServer.picture(seed: 4))
            )
            #expect(raw.status == .ok)
            let results = try #require(try json(raw)["results"] as? [[String: Any]])
            #expect(results.count == 2)
            #expect(results.allSatisfy { $0["category"] as? String == "warm" && ($0["price"] as? Double ?? 99) <= 20 })
        }
    }

    @Test func moreLikeAStoredItemLeavesItOut() async throws {
        try await withServer { server, client in
            let response = try await client.execute(uri: "/v1/collections/products/items/\(server.ids[0])/similar?top_k=10", method: .get)
            #expect(response.status == .ok)
            let body = try json(response)
            #expect(body["query_id"] as? Int == Int(server.ids[0]))
            let ids = try #require(body["results"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
            #expect(ids.count == 5 && !ids.contains(Int(server.ids[0])))
            for uri in ["/v1/collections/products/items/999999/similar", "/v1/collections/products/items/abc/similar"] {
                let missing = try await client.execute(uri: uri, method: .get)
                #expect(missing.status == .notFound)
                #expect(try errorCode(missing) == "item_not_found")
            }
        }
    }

    @Test func itemDetailsImageAndThumbnail() async throws {
        try await withServer { server, client in
            let id = server.ids[2]
            let item = try await client.execute(uri: "/v1/collections/products/items/\(id)", method: .get)
            #expect(item.status == .ok)
            let body = try json(item)
            #expect(body["width"] as? Int == 64 && body["height"] as? Int == 48 && body["category"] as? String == "warm")
            let image = try await client.execute(uri: "/v1/collections/products/items/\(id)/image", method: .get)
            #expect(image.status == .ok && image.headers[.contentType] == "image/png")
            #expect(Data(buffer: image.body) == (try ImageTestServer.picture(seed: 2)))
            let thumbnail = try await client.execute(uri: "/v1/collections/products/items/\(id)/thumbnail", method: .get)
            #expect(thumbnail.status == .ok && thumbnail.headers[.contentType] == "image/jpeg")
            #expect(Data(buffer: thumbnail.body).starts(with: [0xFF, 0xD8]))
        }
    }

    @Test func onlyTheCollectionsOwnFilesCanBeServed() async throws {
        try await withServer { _, client in
            for path in ["..%2F..%2Fstore.sqlite", "../store.sqlite", "%2Fetc%2Fpasswd", "0", "-1", "1.5"] {
                for suffix in ["/image", "/thumbnail", ""] {
                    let response = try await client.execute(uri: "/v1/collections/products/items/\(path)\(suffix)", method: .get)
                    #expect(response.status == .notFound, "\(path)\(suffix)")
                    #expect(!Data(buffer: response.body).starts(with: Array("SQLite".utf8)))
                }
            }
        }
    }

    @Test func badUploadsGetClearErrors() async throws {
        try await withServer { _, client in
            let text = try await client.execute(
                uri: "/v1/collections/products/search/image", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: "hello")
            )
            #expect(text.status == .unsupportedMediaType)
            let notImage = try await searchImage(client, Data("just text, named like a picture".utf8))
            #expect(notImage.status == .unsupportedMediaType)
            #expect(try errorCode(notImage) == "unsupported_image_format")
            let tooLarge = try await searchImage(client, Data(repeating: 0x89, count: 300 << 10))
            #expect(tooLarge.status == .contentTooLarge)
            let huge = try await searchImage(client, try ImageTestServer.picture(seed: 1, width: 1_200, height: 900))
            #expect(huge.status == .unprocessableContent)
            #expect(try errorCode(huge) == "image_too_many_pixels")
            let truncated = try await searchImage(client, try ImageTestServer.picture(seed: 1).prefix(80))
            #expect(truncated.status == .unprocessableContent)
            #expect(try errorCode(truncated) == "unreadable_image")
            let empty = try await searchImage(client, Data())
            #expect(empty.status == .badRequest)
        }
    }

    /// Every file of the decoding conformance corpus (Tests/EmbeddingsTests/Fixtures/conformance):
    /// each format and variant is accepted by upload, each broken file refused with its status.
    @Test func everyConformanceFileIsAnsweredOrRefusedWithItsStatus() async throws {
        let folder = TestServer.repositoryRoot.appendingPathComponent("Tests/EmbeddingsTests/Fixtures/conformance")
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as? [String: Any]
        )
        let entries = try #require(manifest["entries"] as? [[String: Any]]).map { entry in
            (file: try #require(entry["file"] as? String), accepted: entry["pixels"] != nil, error: entry["error"] as? String)
        }
        let statuses: [String: HTTPResponse.Status] = [
            "corrupt": .unprocessableContent, "unsupported": .unsupportedMediaType, "empty": .badRequest,
            "too_many_pixels": .unprocessableContent,
        ]
        try await withServer { _, client in
            for (file, accepted, error) in entries {
                let response = try await searchImage(client, try Data(contentsOf: folder.appendingPathComponent(file)), name: file)
                if accepted {
                    #expect(response.status == .ok, "\(file)")
                    #expect((try json(response)["results"] as? [Any])?.count == 6, "\(file)")
                } else {
                    #expect(response.status == statuses[error ?? ""], "\(file): \(error ?? "no error given")")
                }
            }
        }
    }

    @Test func aNonASCIIPartHeaderNameIsRefusedNotACrash() async throws {
        try await withServer { _, client in
            let body: [UInt8] = Array("--b\r\n".utf8) + [0x80, 0xC2, 0x86] + Array(": x\r\n\r\nz\r\n--b--\r\n".utf8)
            for uri in ["/v1/collections/products/search/image", "/v1/collections/course/documents"] {
                let response = try await client.execute(
                    uri: uri, method: .post,
                    headers: [.contentType: "multipart/form-data; boundary=b", .authorization: "Bearer \(TestServer.adminToken)"],
                    body: ByteBuffer(bytes: body)
                )
                #expect(response.status == .badRequest, "\(uri)")
                #expect(try errorCode(response) == "invalid_request")
            }
        }
    }

    @Test func badQueryParametersAreRefused() async throws {
        try await withServer { _, client in
            let picture = try ImageTestServer.picture(seed: 1)
            for query in [
                "?top_k=0", "?top_k=51", "?top_k=ten", "?nprobe=0", "?nprobe=x", "?price_min=-1", "?price_min=5&price_max=1", "?category=",
                "?colour=red",
            ] {
                let response = try await searchImage(client, picture, query: query)
                #expect(response.status == .badRequest, "\(query)")
                #expect(try errorCode(response) == "invalid_request")
            }
        }
    }

    @Test func collectionsOfTheWrongKindOrMissingAreErrors() async throws {
        try await withServer { _, client in
            let onText = try await client.execute(uri: "/v1/collections/course/items/1/similar", method: .get)
            #expect(onText.status == .badRequest)
            let textSearchOnImages = try await client.execute(
                uri: "/v1/collections/products/search", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"query": "stripes"}"#)
            )
            #expect(textSearchOnImages.status == .badRequest)
            let missing = try await client.execute(uri: "/v1/collections/nothing/items/1", method: .get)
            #expect(missing.status == .notFound)
            #expect(try errorCode(missing) == "collection_not_found")
        }
    }

    @Test func collectionsListAndDetailsIncludeImageCollections() async throws {
        try await withServer { _, client in
            let list = try json(try await client.execute(uri: "/v1/collections", method: .get))
            let collections = try #require(list["collections"] as? [[String: Any]])
            #expect(collections.map { $0["name"] as? String } == ["course", "products"])
            #expect(collections[1]["kind"] as? String == "image" && collections[1]["index"] as? String == "Flat")
            let details = try json(try await client.execute(uri: "/v1/collections/products", method: .get))
            let categories = try #require(details["categories"] as? [[String: Any]])
            #expect(categories.map { $0["name"] as? String } == ["cool", "warm"])
            #expect(categories.map { $0["count"] as? Int } == [3, 3])
            let health = try json(try await client.execute(uri: "/health", method: .get))
            #expect((health["collections"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func webUIIsServedFromTheBinary() async throws {
        try await withServer { _, client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(buffer: page.body).contains("/ui/app.js"))
            let script = try await client.execute(uri: "/ui/app.js", method: .get)
            #expect(script.status == .ok && script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            let style = try await client.execute(uri: "/ui/style.css", method: .get)
            #expect(style.status == .ok)
        }
    }
}

/// `POST /v1/collections/{name}/images`, on a server of its own (it changes the collection).
@Suite(.serialized) struct ImageUploadTests {
    func upload(_ client: some TestClientProtocol, _ body: MultipartBody, token: String? = TestServer.adminToken) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: MultipartBody.contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: "/v1/collections/products/images", method: .post, headers: headers, body: body.buffer)
    }

    @Test func adminUploadsAreStoredAndSearchable() async throws {
        let server = try ImageTestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            var body = MultipartBody()
            body.addFile(field: "image", name: "new.png", data: Array(try ImageTestServer.picture(seed: 9)), contentType: "image/png")
            body.addFile(field: "image", name: "broken.png", data: Array("no".utf8), contentType: "image/png")
            body.addField("category", "new")
            body.addField("price", "12.5")
            body.addField("metadata", #"{"shop": "north"}"#)

            let anonymous = try await upload(client, body, token: nil)
            #expect(anonymous.status == .unauthorized)

            let response = try await upload(client, body)
            #expect(response.status == .created)
            let images = try #require(try json(response)["images"] as? [[String: Any]])
            #expect(images.map { $0["status"] as? String } == ["stored", "failed"])
            #expect(try json(response)["vectors"] as? Int == 7)
            let id = try #require(images[0]["id"] as? Int)

            let found = try json(try await client.execute(uri: "/v1/collections/products/items/\(id)", method: .get))
            #expect(found["category"] as? String == "new" && found["price"] as? Double == 12.5 && found["title"] as? String == "new.png")
            #expect((found["metadata"] as? [String: String]) == ["shop": "north", "file_name": "new.png"])

            let again = try await upload(client, body)
            #expect(try #require(try json(again)["images"] as? [[String: Any]]).first?["status"] as? String == "unchanged")

            var badPrice = MultipartBody()
            badPrice.addFile(field: "image", name: "x.png", data: Array(try ImageTestServer.picture(seed: 8)))
            badPrice.addField("price", "cheap")
            #expect(try await upload(client, badPrice).status == .badRequest)
        }
    }

    /// Every image the server embeds, for a search or an upload, is timed in `quarry_embedding_duration_seconds`.
    @Test func imageEmbeddingsAreTimed() async throws {
        let server = try ImageTestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            func embeddings() async throws -> Double {
                let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
                return metrics.split(separator: "\n").filter { $0.hasPrefix("quarry_embedding_duration_seconds_count{") }
                    .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
            }
            func search(_ picture: Data) async throws -> HTTPResponse.Status {
                try await client.execute(
                    uri: "/v1/collections/products/search/image", method: .post, headers: [.contentType: "image/png"],
                    body: ByteBuffer(bytes: picture)
                ).status
            }
            #expect(try await embeddings() == 0)
            #expect(try await search(try ImageTestServer.picture(seed: 4)) == .ok)
            #expect(try await embeddings() == 0, "a stored image's vector is reused, not embedded")
            #expect(try await search(try ImageTestServer.picture(seed: 9)) == .ok)
            #expect(try await embeddings() == 1)
            var body = MultipartBody()
            body.addFile(field: "image", name: "a.png", data: Array(try ImageTestServer.picture(seed: 10)), contentType: "image/png")
            body.addFile(field: "image", name: "b.png", data: Array(try ImageTestServer.picture(seed: 11)), contentType: "image/png")
            #expect(try await upload(client, body).status == .created)
            #expect(try await embeddings() == 3)
        }
    }
}
