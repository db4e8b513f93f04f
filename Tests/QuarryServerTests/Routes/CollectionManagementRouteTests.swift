import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QuarryCore
import QuarryServer
import Testing

/// Creating and deleting collections and moving aliases over HTTP (issue #18).
@Suite struct CollectionManagementRouteTests {
    static let adminJSON: HTTPFields = [.authorization: "Bearer \(TestServer.adminToken)", .contentType: "application/json"]

    func put(_ client: some TestClientProtocol, _ uri: String, _ body: String, headers: HTTPFields = Self.adminJSON) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .put, headers: headers, body: ByteBuffer(string: body))
    }

    func delete(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .delete, headers: Self.adminJSON)
    }

    /// The sources a vector search of `collection` (a name or an alias) returns, or nil for an error.
    func sources(_ client: some TestClientProtocol, _ collection: String, _ query: String) async throws -> [String]? {
        let response = try await client.execute(
            uri: "/v1/collections/\(collection)/search", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"query": "\#(query)", "top_k": 5, "mode": "vector"}"#)
        )
        guard response.status == .ok else { return nil }
        return try #require(try json(response)["results"] as? [[String: Any]]).compactMap { $0["source"] as? String }
    }

    func addDocument(_ client: some TestClientProtocol, _ collection: String, source: String, text: String) async throws {
        let response = try await client.execute(
            uri: "/v1/collections/\(collection)/documents", method: .post, headers: Self.adminJSON,
            body: ByteBuffer(string: #"{"documents": [{"source": "\#(source)", "text": "\#(text)"}]}"#)
        )
        #expect(response.status == .created)
        #expect(try json(response)["seq"] is NSNull)
    }

    /// Creates text collection `name` holding one document.
    func createTextCollection(_ client: some TestClientProtocol, _ name: String, source: String, text: String) async throws {
        #expect(try await put(client, "/v1/collections/\(name)", #"{"kind": "text", "model": "e5-small"}"#).status == .created)
        try await addDocument(client, name, source: source, text: text)
    }

    func folders(_ server: TestServer) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: server.dataDirectory.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func creatingIsIdempotentForTheSameSettingsAndConflictsForOthers() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let created = try await put(client, "/v1/collections/notes", #"{"kind": "text", "model": "e5-small"}"#)
            #expect(created.status == .created)
            #expect(try json(created)["name"] as? String == "notes" && json(created)["vectors"] as? Int == 0)
            #expect(try await put(client, "/v1/collections/notes", #"{"kind": "text", "model": "e5-small"}"#).status == .ok)
            let other = try await put(client, "/v1/collections/notes", #"{"kind": "text", "model": "e5-small", "factory": "HNSW32,Flat"}"#)
            #expect(try other.status == .conflict && errorCode(other) == "collection_exists")
            #expect(try await put(client, "/v1/collections/course", #"{"kind": "image", "model": "efficientnet-lite0"}"#).status == .conflict)
            let hnsw = try await put(
                client, "/v1/collections/pictures", #"{"kind": "image", "model": "efficientnet-lite0", "factory": "HNSW32,Flat"}"#)
            #expect(try hnsw.status == .created && json(hnsw)["index"] as? String == "HNSW32,Flat" && json(hnsw)["kind"] as? String == "image")
            try await addDocument(client, "notes", source: "a.md", text: "向量数据库用近似最近邻索引检索。")
            #expect(try await sources(client, "notes", "近似最近邻") == ["a.md"])
        }
    }

    @Test func settingsAreTheCollectionsDefaultsAndPartOfItsIdentity() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let body = #"{"kind": "text", "model": "e5-small", "settings": {"top_k": 2, "ef_search": 48}}"#
            let created = try await put(client, "/v1/collections/notes", body)
            #expect(created.status == .created)
            #expect(try (json(created)["settings"] as? [String: Any])?["top_k"] as? Int == 2)
            #expect(try await put(client, "/v1/collections/notes", body).status == .ok)
            #expect(try await put(client, "/v1/collections/notes", #"{"kind": "text", "model": "e5-small"}"#).status == .ok)
            let other = #"{"kind": "text", "model": "e5-small", "settings": {"top_k": 3}}"#
            #expect(try await put(client, "/v1/collections/notes", other).status == .conflict)
            for source in ["a.md", "b.md", "c.md"] {
                try await addDocument(client, "notes", source: source, text: "\(source) 讲的是向量索引的参数。")
            }
            let answer = try await client.execute(
                uri: "/v1/collections/notes/search", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"query": "向量索引"}"#)
            )
            #expect(try (json(answer)["results"] as? [[String: Any]])?.count == 2)
            let images = try await put(
                client, "/v1/collections/pictures", #"{"kind": "image", "model": "efficientnet-lite0", "settings": {"duplicate_threshold": 0.9}}"#)
            #expect(images.status == .created)
            #expect(try (json(images)["settings"] as? [String: Any])?["duplicate_threshold"] as? Double == 0.9)
            for (uri, settings) in [
                ("notes2", #"{"duplicate_threshold": 0.9}"#), ("notes2", #"{"top_k": 0}"#),
                ("notes2", #"{"nprobe": 0}"#), ("pictures2", #"{"duplicate_threshold": 0.2}"#), ("notes2", #"{"shards": 2}"#),
            ] {
                let kind = uri.hasPrefix("notes") ? #""kind": "text", "model": "e5-small""# : #""kind": "image", "model": "efficientnet-lite0""#
                let response = try await put(client, "/v1/collections/\(uri)", "{\(kind), \"settings\": \(settings)}")
                #expect(response.status == .badRequest, "\(settings)")
            }
        }
    }

    @Test func badRequestsAreRefusedBeforeAnythingIsWritten() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let before = try folders(server)
        try await server.application.test(.router) { client in
            let cases: [(uri: String, body: String, status: HTTPResponse.Status, code: String)] = [
                ("/v1/collections/bad%20name", #"{"kind": "text", "model": "e5-small"}"#, .badRequest, "invalid_request"),
                ("/v1/collections/notes", #"{"kind": "text", "model": "gpt-9"}"#, .unprocessableContent, "unknown_model"),
                ("/v1/collections/notes", #"{"kind": "image", "model": "e5-small"}"#, .unprocessableContent, "model_kind_mismatch"),
                (
                    "/v1/collections/notes", #"{"kind": "text", "model": "e5-small", "factory": "IVF0,Flat"}"#, .unprocessableContent,
                    "invalid_factory"
                ),
                ("/v1/collections/notes", #"{"kind": "audio", "model": "e5-small"}"#, .badRequest, "invalid_request"),
                ("/v1/collections/notes", #"{"kind": "text", "model": "e5-small", "shards": 4}"#, .badRequest, "invalid_request"),
            ]
            for (uri, body, status, code) in cases {
                let response = try await put(client, uri, body)
                #expect(response.status == status, "\(body)")
                #expect(try errorCode(response) == code, "\(body)")
            }
            let anonymous = try await put(
                client, "/v1/collections/notes", #"{"kind": "text", "model": "e5-small"}"#, headers: [.contentType: "application/json"])
            #expect(anonymous.status == .unauthorized)
        }
        #expect(try folders(server) == before)
    }

    @Test func deletingRemovesTheFilesAndARecreatedCollectionStartsEmpty() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            try await createTextCollection(client, "scratch", source: "old.md", text: "旧版本的笔记讲的是倒排索引。")
            #expect(try await sources(client, "scratch", "倒排索引") == ["old.md"])
            let deleted = try await delete(client, "/v1/collections/scratch")
            #expect(try deleted.status == .ok && json(deleted)["deleted"] as? Bool == true)
            // Every write answer carries the cluster's sequence token, null on a single server.
            #expect(try json(deleted)["seq"] is NSNull)
            #expect(try !folders(server).contains("scratch"))
            #expect(try await client.execute(uri: "/v1/collections/scratch", method: .get).status == .notFound)
            #expect(try await delete(client, "/v1/collections/scratch").status == .notFound)
            // The same name again: nothing of the old collection, not even a cached answer.
            try await createTextCollection(client, "scratch", source: "new.md", text: "新版本的笔记讲的是倒排索引的压缩。")
            #expect(try await sources(client, "scratch", "倒排索引") == ["new.md"])
            #expect(try await sources(client, "course", "nprobe") != nil)
        }
    }

    @Test func aliasesNameCollectionsForSearchesAndMoveAtomically() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            try await createTextCollection(client, "course-v2", source: "v2.md", text: "第二版课程：IVF 索引的 nprobe 参数。")
            let created = try await put(client, "/v1/aliases/live", #"{"collection": "course"}"#)
            #expect(try created.status == .created && json(created)["previous"] == nil)
            #expect(try await sources(client, "live", "nprobe")?.contains("indexes.md") == true)
            let moved = try await put(client, "/v1/aliases/live", #"{"collection": "course-v2"}"#)
            #expect(try moved.status == .ok && json(moved)["previous"] as? String == "course")
            #expect(try await sources(client, "live", "nprobe") == ["v2.md"])
            let list = try json(try await client.execute(uri: "/v1/aliases", method: .get))
            #expect((list["aliases"] as? [[String: String]]) == [["alias": "live", "collection": "course-v2"]])

            let aliased = try await delete(client, "/v1/collections/course-v2")
            #expect(try aliased.status == .conflict && errorCode(aliased) == "collection_aliased")
            #expect(try await delete(client, "/v1/collections/live").status == .badRequest)
            #expect(try await put(client, "/v1/aliases/course", #"{"collection": "course-v2"}"#).status == .conflict)
            #expect(try await put(client, "/v1/aliases/live", #"{"collection": "missing"}"#).status == .notFound)
            #expect(try await put(client, "/v1/aliases/live", #"{"collection": "live"}"#).status == .notFound)
            #expect(try await put(client, "/v1/collections/live", #"{"kind": "text", "model": "e5-small"}"#).status == .conflict)

            let removed = try await delete(client, "/v1/aliases/live")
            #expect(try removed.status == .ok && json(removed)["collection"] as? String == "course-v2")
            #expect(try await delete(client, "/v1/aliases/live").status == .notFound)
            #expect(try await sources(client, "live", "nprobe") == nil)
            #expect(try await delete(client, "/v1/collections/course-v2").status == .ok)
        }
    }

    @Test func searchesThroughAnAliasNeverFailWhileItMoves() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let second = try server.library.textCollection(creating: "course-b", model: "e5-small")
        try second.add(TextDocument(source: "b.md", contentHash: "b", passages: [.init(text: "IVF 索引的 nprobe 越大召回越高。", chapter: "IVF")]))
        _ = try server.library.setAlias("live", to: "course")
        try await server.application.test(.router) { client in
            let failures = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    for swap in 0..<100 {
                        let target = swap % 2 == 0 ? "course-b" : "course"
                        let response = try await put(client, "/v1/aliases/live", #"{"collection": "\#(target)"}"#)
                        if response.status != .ok { return 1 }
                    }
                    return 0
                }
                for _ in 0..<2 {
                    group.addTask {
                        var failed = 0
                        for _ in 0..<50 where try await sources(client, "live", "nprobe")?.isEmpty != false { failed += 1 }
                        return failed
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(failures == 0)
        }
    }
}
