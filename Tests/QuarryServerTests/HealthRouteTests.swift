import Foundation
import Hummingbird
import HummingbirdTesting
import QuarryCore
import QuarryServer
import Testing

@Suite struct HealthRouteTests {
    struct Health: Decodable {
        let status: String
        let version: String
        let faiss: String
    }

    @Test func healthReportsVersionAndFaissBuild() async throws {
        let app = Application(router: QuarryApplication.router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let health = try JSONDecoder().decode(Health.self, from: Data(buffer: response.body))
                #expect(health.status == "ok")
                #expect(health.version == BuildInfo.version)
                #expect(health.faiss == BuildInfo.faissBuild)
            }
        }
    }

    @Test func unknownRoutesAreNotFound() async throws {
        let app = Application(router: QuarryApplication.router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/no-such-route", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
