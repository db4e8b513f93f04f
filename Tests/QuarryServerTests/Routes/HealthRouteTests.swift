import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import QuarryCore
import QuarryServer
import Testing

@Suite(.serialized) struct HealthRouteTests {
    @Test func healthReportsBuildAndCollections() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            do {
                let response = try await client.execute(uri: "/health", method: .get)
                #expect(response.status == .ok)
                let body = try json(response)
                #expect(body["status"] as? String == "ok")
                #expect(body["version"] as? String == BuildInfo.version)
                #expect(body["faiss"] as? String == BuildInfo.faissBuild)
                let collections = try #require(body["collections"] as? [[String: Any]])
                #expect(collections.first?["name"] as? String == "course")
                #expect(collections.first?["vectors"] as? Int == 3)
                #expect(collections.first?["status"] as? String == "ok")
            }
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(try json(ready)["ready"] as? Bool == true)
            do {
                let response = try await client.execute(uri: "/no-such-route", method: .get)
                #expect(response.status == .notFound)
                #expect(try errorCode(response) == "not_found")
            }
        }
    }

    /// Issue #14: a collection that cannot open is listed as unavailable, answers 503, and the
    /// others keep serving.
    @Test func anUnavailableCollectionIsListedAndAnswers503() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let course = CollectionFolder(dataDirectory: server.dataDirectory, name: "course")
        let broken = CollectionFolder(dataDirectory: server.dataDirectory, name: "broken")
        try FileManager.default.copyItem(at: course.url, to: broken.url)
        var configuration = try broken.readConfiguration()
        configuration.name = "broken"
        configuration.model = "no-such-model"
        try broken.writeConfiguration(configuration)

        let library = try CollectionLibrary(
            dataDirectory: server.dataDirectory, modelsDirectory: TestServer.repositoryRoot.appendingPathComponent("models"),
            logger: Logger(label: "test")
        )
        let application = Application(router: QuarryApplication.router(library: library, configuration: server.configuration))
        try await application.test(.router) { client in
            let health = try json(try await client.execute(uri: "/health", method: .get))
            #expect(health["status"] as? String == "degraded")
            let collections = try #require(health["collections"] as? [[String: Any]])
            #expect(collections.map { $0["name"] as? String } == ["broken", "course"])
            #expect(collections[0]["status"] as? String == "unavailable")
            #expect((collections[0]["reason"] as? String)?.contains("no-such-model") == true)
            #expect(collections[1]["status"] as? String == "ok")

            let search = ByteBuffer(string: #"{"query": "IVF 索引", "top_k": 2}"#)
            let refused = try await client.execute(
                uri: "/v1/collections/broken/search", method: .post, headers: [.contentType: "application/json"], body: search
            )
            #expect(refused.status == .serviceUnavailable)
            #expect(try errorCode(refused) == "collection_unavailable")
            let details = try await client.execute(uri: "/v1/collections/broken", method: .get)
            #expect(details.status == .serviceUnavailable)
            let served = try await client.execute(
                uri: "/v1/collections/course/search", method: .post, headers: [.contentType: "application/json"], body: search
            )
            #expect(served.status == .ok)
        }
    }
}
