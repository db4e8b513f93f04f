import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import QuarryCore
import QuarryServer
import Testing

/// The OpenAPI document served at `/openapi.json` against the router itself:
/// every registered route is documented, every documented route is
/// registered, and the admin routes are exactly those guarded by the token.
@Suite(.serialized) struct OpenAPITests {
    static let documentURL = TestServer.repositoryRoot.appendingPathComponent("Sources/QuarryServer/Resources/openapi.json")

    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    /// The document in the source tree, parsed.
    static func document() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: documentURL))
        return try #require(object as? [String: Any])
    }

    /// Every operation of `document` as `METHOD /path` (paths in OpenAPI's `{name}` form).
    static func operations(_ document: [String: Any]) throws -> [String: [String: Any]] {
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operations: [String: [String: Any]] = [:]
        for (path, item) in paths {
            for (method, operation) in item where methods.contains(method) {
                operations["\(method.uppercased()) \(path)"] = try #require(operation as? [String: Any])
            }
        }
        return operations
    }

    @Test func documentIsOpenAPI31() throws {
        let document = try Self.document()
        #expect((document["openapi"] as? String)?.hasPrefix("3.1.") == true)
        let info = try #require(document["info"] as? [String: Any])
        #expect(info["version"] as? String == BuildInfo.version)
        let components = try #require(document["components"] as? [String: Any])
        let schemes = try #require(components["securitySchemes"] as? [String: [String: Any]])
        #expect(schemes["bearerAuth"]?["scheme"] as? String == "bearer")
        // Every operation has an id, a summary and at least one answer.
        for (name, operation) in try Self.operations(document) {
            #expect(operation["operationId"] is String, "\(name) has no operationId")
            #expect(operation["summary"] is String, "\(name) has no summary")
            #expect((operation["responses"] as? [String: Any])?.isEmpty == false, "\(name) has no responses")
        }
    }

    @Test func everyRegisteredRouteIsDocumentedAndNoOther() throws {
        let server = try TestServer()
        defer { server.remove() }
        let router = QuarryApplication.router(library: server.library, configuration: server.configuration)
        // Hummingbird describes captures as `{name}`, as OpenAPI does.
        let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let documented = Set(try Self.operations(Self.document()).keys)
        #expect(registered.count >= 20)
        #expect(registered.subtracting(documented).sorted() == [], "registered but not in openapi.json")
        #expect(documented.subtracting(registered).sorted() == [], "in openapi.json but not registered")
    }

    @Test func adminOperationsAreTheTokenGuardedOnes() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let admin = try Self.operations(Self.document()).mapValues { operation in
            (operation["security"] as? [[String: Any]])?.contains { $0["bearerAuth"] != nil } == true
        }
        try await server.application.test(.router) { client in
            for (name, isAdmin) in admin.sorted(by: { $0.key < $1.key }) {
                let parts = name.split(separator: " ", maxSplits: 1)
                let method = try #require(HTTPRequest.Method(String(parts[0])))
                let uri = String(parts[1]).replacingOccurrences(of: "{name}", with: "course").replacingOccurrences(of: "{id}", with: "1")
                let response = try await client.execute(uri: uri, method: method)
                #expect((response.status == .unauthorized) == isAdmin, "\(name) answered \(response.status.code) without a token")
            }
        }
    }

    @Test func servesTheDocumentAndTheDocsPage() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(document.status == .ok)
            #expect(document.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(Data(buffer: document.body) == (try Data(contentsOf: Self.documentURL)))
            let page = try await client.execute(uri: "/docs", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'self'") == true)
            let html = String(buffer: page.body)
            #expect(html.contains("<script src=\"/ui/docs.js\""))
            #expect(!html.contains("<script>") && !html.contains("style="), "inline code or styles break the CSP")
            let script = try await client.execute(uri: "/ui/docs.js", method: .get)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(String(buffer: script.body).contains("/openapi.json"))
        }
    }
}
