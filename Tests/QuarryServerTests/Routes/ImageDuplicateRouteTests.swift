import Embeddings
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QuarryCore
import QuarryServer
import Testing

/// Near-duplicate detection over HTTP (issue #13): `duplicate_of` in search and upload answers,
/// and `GET …/duplicates`, on photographs embedded by the real EfficientNet-Lite0.
@Suite struct ImageDuplicateRouteTests {
    static let photosFolder = TestServer.repositoryRoot.appendingPathComponent("Tests/EmbeddingsTests/Fixtures/images")
    static let stored = ["astronaut.jpg", "camera-gray.jpg", "chelsea.jpg", "hubble.webp", "motorcycle-alpha.png", "rocket.jpg"]

    static func photo(_ name: String) throws -> Data {
        try Data(contentsOf: photosFolder.appendingPathComponent(name))
    }

    /// The image test server with a collection `photos` of ``stored``, in "space" and "earth"
    /// categories; returns the server and the ids by file name.
    static func server() throws -> (ImageTestServer, [String: Int]) {
        let server = try ImageTestServer()
        let photos = try server.base.library.imageCollection(creating: "photos")
        let result = try photos.add(
            try stored.map { name in
                ImageInput(
                    path: name, data: try photo(name), category: ["astronaut.jpg", "hubble.webp", "rocket.jpg"].contains(name) ? "space" : "earth")
            })
        return (server, Dictionary(uniqueKeysWithValues: zip(stored, result.storedIDs.map { Int($0) })))
    }

    func search(_ client: some TestClientProtocol, _ name: String, query: String = "") async throws -> [String: Any] {
        var body = MultipartBody()
        body.addFile(field: "image", name: name, data: Array(try Self.photo(name)))
        let response = try await client.execute(
            uri: "/v1/collections/photos/search/image\(query)", method: .post,
            headers: [.contentType: MultipartBody.contentType], body: body.buffer
        )
        #expect(response.status == .ok)
        return try json(response)
    }

    @Test func searchesSayWhichStoredImageTheQueryDuplicatesWhateverTheFilter() async throws {
        let (server, ids) = try Self.server()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            // A smaller, palette-quantised copy of chelsea.jpg.
            let answer = try await search(client, "chelsea-palette.png")
            let duplicate = try #require(answer["duplicate_of"] as? [String: Any])
            #expect(duplicate["id"] as? Int == ids["chelsea.jpg"])
            #expect(try #require(duplicate["score"] as? Double) >= ImageCollection.defaultDuplicateThreshold)
            // The cat is in "earth": a search in "space" does not return it, but still names it.
            let filtered = try await search(client, "chelsea-palette.png", query: "?category=space")
            let results = try #require(filtered["results"] as? [[String: Any]])
            #expect(results.count == 3 && results.allSatisfy { $0["category"] as? String == "space" })
            #expect((filtered["duplicate_of"] as? [String: Any])?["id"] as? Int == ids["chelsea.jpg"])
            // A photograph of something not stored duplicates nothing.
            #expect(try await search(client, "coffee-small.png")["duplicate_of"] is NSNull)
        }
    }

    @Test func uploadsAndTheDuplicatesListNameNearDuplicates() async throws {
        let (server, ids) = try Self.server()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            var body = MultipartBody()
            for name in ["chelsea-palette.png", "coffee-exif6.jpg"] {
                body.addFile(field: "image", name: name, data: Array(try Self.photo(name)))
            }
            let response = try await client.execute(
                uri: "/v1/collections/photos/images", method: .post,
                headers: [.contentType: MultipartBody.contentType, .authorization: "Bearer \(TestServer.adminToken)"], body: body.buffer
            )
            #expect(response.status == .created)
            let images = try #require(try json(response)["images"] as? [[String: Any]])
            #expect(images.map { $0["status"] as? String } == ["stored", "stored"])
            #expect((images[0]["duplicate_of"] as? [String: Any])?["id"] as? Int == ids["chelsea.jpg"])
            #expect(images[1]["duplicate_of"] is NSNull)
            let repostID = try #require(images[0]["id"] as? Int)

            let listed = try json(try await client.execute(uri: "/v1/collections/photos/duplicates", method: .get))
            let groups = try #require(listed["groups"] as? [[String: Any]])
            let members = groups.map { (($0["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int } }
            #expect(members == [[try #require(ids["chelsea.jpg"]), repostID]])
            #expect(listed["groups_total"] as? Int == 1 && listed["images_in_groups"] as? Int == 2)
            #expect(listed["threshold"] as? Double == ImageCollection.defaultDuplicateThreshold)

            // At a threshold of 1, no two different files are duplicates.
            let strict = try json(try await client.execute(uri: "/v1/collections/photos/duplicates?threshold=1", method: .get))
            #expect((strict["groups"] as? [Any])?.isEmpty == true)
            for query in ["threshold=0.2", "threshold=x", "limit=0", "limit=1001", "top_k=3"] {
                let refused = try await client.execute(uri: "/v1/collections/photos/duplicates?\(query)", method: .get)
                #expect(refused.status == .badRequest, "\(query)")
            }
            let text = try await client.execute(uri: "/v1/collections/course/duplicates", method: .get)
            #expect(text.status != .ok && text.status != .internalServerError)
        }
    }
}
