import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import QuarryServer
import Testing

@Suite(.serialized) struct CORSTests {
    static let allowed = "https://search.example.com"

    func preflight(_ client: some TestClientProtocol, origin: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/v1/collections/course/search", method: .options,
            headers: [
                .origin: origin, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "content-type, authorization",
            ])
    }

    func application(_ server: TestServer, corsOrigins: [String]) -> some ApplicationProtocol {
        var configuration = server.configuration
        configuration.corsOrigins = corsOrigins
        return Application(router: QuarryApplication.router(library: server.library, configuration: configuration))
    }

    func corsHeaders(_ response: TestResponse) -> [String] {
        response.headers.map(\.name.canonicalName).filter { $0.lowercased().hasPrefix("access-control-") }
    }

    @Test func offByDefault() async throws {
        let server = try TestServer()
        defer { server.remove() }
        #expect(server.configuration.corsOrigins.isEmpty)
        try await server.application.test(.router) { client in
            let options = try await preflight(client, origin: Self.allowed)
            #expect(corsHeaders(options).isEmpty)
            let get = try await client.execute(uri: "/v1/collections", method: .get, headers: [.origin: Self.allowed])
            #expect(get.status == .ok)
            #expect(corsHeaders(get).isEmpty)
        }
    }

    @Test func aListedOriginGetsThePreflightAndTheAllowOrigin() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await application(server, corsOrigins: [Self.allowed, "http://localhost:3000"]).test(.router) { client in
            let options = try await preflight(client, origin: Self.allowed)
            #expect(options.status == .noContent)
            #expect(options.headers[.accessControlAllowOrigin] == Self.allowed)
            #expect(options.headers[.accessControlAllowMethods] == "GET, POST, DELETE, OPTIONS")
            // Header names are case-insensitive; Hummingbird writes them in lower case.
            #expect(options.headers[.accessControlAllowHeaders]?.lowercased() == "content-type, authorization, x-request-id")
            #expect(options.headers[.accessControlExposeHeaders]?.lowercased() == "x-request-id")
            #expect(options.headers[.vary] == "Origin")

            let get = try await client.execute(uri: "/v1/collections", method: .get, headers: [.origin: Self.allowed])
            #expect(get.status == .ok)
            #expect(get.headers[.accessControlAllowOrigin] == Self.allowed)

            let missing = try await client.execute(uri: "/v1/collections/nope", method: .get, headers: [.origin: "http://localhost:3000"])
            #expect(missing.status == .notFound)
            #expect(missing.headers[.accessControlAllowOrigin] == "http://localhost:3000")
        }
    }

    @Test func anotherOriginGetsNoCORSHeaders() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await application(server, corsOrigins: [Self.allowed]).test(.router) { client in
            for origin in ["https://evil.example", "https://search.example.com.evil.example", "null"] {
                let options = try await preflight(client, origin: origin)
                #expect(corsHeaders(options).isEmpty, "\(origin)")
                let get = try await client.execute(uri: "/v1/collections", method: .get, headers: [.origin: origin])
                #expect(get.status == .ok)
                #expect(corsHeaders(get).isEmpty, "\(origin)")
            }
        }
    }
}
