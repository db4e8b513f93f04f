import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QuarryServer
import Testing

@Suite(.serialized) struct DocumentRouteTests {
    static let authorized: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(TestServer.adminToken)"]

    func post(_ client: some TestClientProtocol, _ uri: String, _ body: String, headers: HTTPFields = authorized) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func addedDocumentsAreSearchableAtOnce() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let body = ##"{"documents": [{"source": "backup.md", "text": "# 备份\n\n每天凌晨做一次全量备份，保留最近 7 份。", "chapter": "运维", "metadata": {"author": "ops"}}]}"##
            let response = try await post(client, "/v1/collections/course/documents", body)
            #expect(response.status == .created)
            let answer = try json(response)
            #expect(answer["vectors"] as? Int == 4)
            #expect((answer["documents"] as? [[String: Any]])?.first?["status"] as? String == "stored")

            let search = try await post(client, "/v1/collections/course/search", #"{"query": "备份保留几份？", "top_k": 1}"#)
            let first = try #require((try json(search)["results"] as? [[String: Any]])?.first)
            #expect(first["source"] as? String == "backup.md")
            #expect(first["chapter"] as? String == "运维 > 备份")
            #expect((first["metadata"] as? [String: Any])?["author"] as? String == "ops")

            let again = try await post(client, "/v1/collections/course/documents", body)
            #expect((try json(again)["documents"] as? [[String: Any]])?.first?["status"] as? String == "unchanged")
        }
    }

    @Test func writesNeedTheAdminToken() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let body = #"{"documents": [{"source": "x.md", "text": "text"}]}"#
            for headers: HTTPFields in [[.contentType: "application/json"], [.contentType: "application/json", .authorization: "Bearer wrong"]] {
                let response = try await post(client, "/v1/collections/course/documents", body, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(try errorCode(response) == "unauthorized")
            }
        }
    }

    @Test(arguments: [
        #"{"documents": []}"#,
        #"{"documents": [{"source": "", "text": "x"}]}"#,
        #"{"documents": [{"source": "a.md", "text": "   "}]}"#,
        #"{"documents": [{"source": "a.md"}]}"#,
        #"{"documents": [{"source": "a.md", "text": "x", "page": 0}]}"#,
        #"{"documents": [{"source": "a.md", "text": "x", "extra": 1}]}"#,
        #"{"docs": []}"#,
    ])
    func invalidDocumentsAreRejected(body: String) async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let response = try await post(client, "/v1/collections/course/documents", body)
            #expect(response.status == .badRequest)
            #expect(try errorCode(response) == "invalid_request")
        }
    }

    @Test func configurationRefusesOpenWritesOffLoopback() {
        #expect(throws: ServerConfigurationError.writesWithoutToken(host: "0.0.0.0")) {
            try ServerConfiguration(host: "0.0.0.0").validate()
        }
        #expect(throws: Never.self) { try ServerConfiguration(host: "127.0.0.1").validate() }
        #expect(throws: ServerConfigurationError.weakToken) { try ServerConfiguration(host: "0.0.0.0", adminToken: "short").validate() }
    }
}
