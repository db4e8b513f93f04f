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
            let body =
                ##"{"documents": [{"source": "backup.md", "text": "# 备份\n\n每天凌晨做一次全量备份，保留最近 7 份。", "chapter": "运维", "metadata": {"author": "ops"}}]}"##
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
        #expect(throws: ServerConfigurationError.openWritesOffLoopback(host: "0.0.0.0")) {
            try ServerConfiguration(host: "0.0.0.0", insecureOpenWrites: true).validate()
        }
        #expect(throws: Never.self) { try ServerConfiguration(host: "0.0.0.0").validate() }
        #expect(throws: Never.self) { try ServerConfiguration(host: "127.0.0.1", insecureOpenWrites: true).validate() }
        #expect(throws: ServerConfigurationError.weakToken) { try ServerConfiguration(host: "0.0.0.0", adminToken: "short").validate() }
    }
}

@Suite(.serialized) struct DocumentUploadTests {
    func upload(
        _ client: some TestClientProtocol, files: [(name: String, data: [UInt8])], token: String = TestServer.adminToken
    ) async throws -> TestResponse {
        var body = MultipartBody()
        for file in files { body.addFile(field: "file", name: file.name, data: file.data) }
        return try await client.execute(
            uri: "/v1/collections/course/documents", method: .post,
            headers: [.contentType: MultipartBody.contentType, .authorization: "Bearer \(token)"], body: body.buffer
        )
    }

    @Test func uploadedFilesAreReadAndSearchable() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let markdown = Array("# 监控\n\nPrometheus 每 15 秒抓取一次 /metrics。\n".utf8)
        let deck = try Array(Data(contentsOf: TestServer.repositoryRoot.appendingPathComponent("courses/sample/slides/01-beans-and-roasting.pptx")))
        try await server.application.test(.router) { client in
            let response = try await upload(client, files: [("../../etc/monitoring.md", markdown), ("01-beans-and-roasting.pptx", deck)])
            #expect(response.status == .created)
            let documents = try #require(try json(response)["documents"] as? [[String: Any]])
            #expect(documents.map { $0["source"] as? String } == ["monitoring.md", "01-beans-and-roasting.pptx"])
            #expect(documents.allSatisfy { ($0["passages"] as? Int ?? 0) > 0 })
            let search = try await client.execute(
                uri: "/v1/collections/course/search", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"query": "Prometheus 多久抓取一次指标？", "top_k": 1}"#)
            )
            #expect((try json(search)["results"] as? [[String: Any]])?.first?["source"] as? String == "monitoring.md")
        }
    }

    @Test func unreadableUploadsAreRejected() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let corrupt = try await upload(client, files: [("deck.pptx", Array("not a zip".utf8))])
            #expect(corrupt.status == .unprocessableContent)
            #expect(try errorCode(corrupt) == "unreadable_document")
            let unsupported = try await upload(client, files: [("photo.exe", [0, 1, 2])])
            #expect(unsupported.status == .unprocessableContent)
            let unauthorized = try await upload(client, files: [("a.md", Array("# a".utf8))], token: "wrong")
            #expect(unauthorized.status == .unauthorized)
        }
    }
}
