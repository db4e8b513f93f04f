import Foundation
import HummingbirdTesting
import QuarryCore
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
}
