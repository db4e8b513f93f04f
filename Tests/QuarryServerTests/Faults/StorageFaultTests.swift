import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import QuarryCore
import QuarryServer
import Testing

/// A data folder on a small tmpfs of its own, filled up or made read-only while the server
/// runs (needs root for `mount`, as `make test` has).
@Suite(.serialized) struct StorageFaultTests {
    static let authorized: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(TestServer.adminToken)"]

    /// A fresh tmpfs of `megabytes`, unmounted by `unmount()`.
    struct SmallFileSystem {
        let mountPoint: URL

        init(megabytes: Int) throws {
            mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-tmpfs-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
            try Self.run("/bin/mount", "-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", mountPoint.path)
        }

        /// A read-only view of `folder` (a read-only bind mount), unmounted with the file system.
        func readOnlyView(of folder: URL) throws -> URL {
            let view = mountPoint.deletingLastPathComponent().appendingPathComponent(mountPoint.lastPathComponent + "-ro")
            try FileManager.default.createDirectory(at: view, withIntermediateDirectories: true)
            try Self.run("/bin/mount", "--bind", folder.path, view.path)
            try Self.run("/bin/mount", "-o", "remount,bind,ro", view.path)
            return view
        }

        /// Writes a file until the file system has no space left; returns it.
        func fill() throws -> URL {
            let filler = mountPoint.appendingPathComponent("filler")
            _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
            let handle = try FileHandle(forWritingTo: filler)
            defer { try? handle.close() }
            let block = Data(repeating: 0xAB, count: 4_096)
            while (try? handle.write(contentsOf: block)) != nil {}
            return filler
        }

        func unmount() {
            let view = mountPoint.deletingLastPathComponent().appendingPathComponent(mountPoint.lastPathComponent + "-ro")
            if FileManager.default.fileExists(atPath: view.path) {
                try? Self.run("/bin/umount", "-l", view.path)
                try? FileManager.default.removeItem(at: view)
            }
            try? Self.run("/bin/umount", "-l", mountPoint.path)
            try? FileManager.default.removeItem(at: mountPoint)
        }

        static func run(_ arguments: String...) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw CommandFailure("\(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
            }
        }
    }

    struct CommandFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A document of `passages` passages, as the JSON body of `POST …/documents`.
    static func document(_ source: String, passages: Int) -> String {
        let text = (0..<passages).map { "## 第 \($0) 节\n\n\(source) 第 \($0) 节讲向量检索的第 \($0) 个要点。" }.joined(separator: "\n\n")
        let body = try! JSONSerialization.data(withJSONObject: ["documents": [["source": source, "text": "# \(source)\n\n" + text]]])
        return String(decoding: body, as: UTF8.self)
    }

    func search(_ client: some TestClientProtocol, _ query: String) async throws -> [String] {
        let response = try await client.execute(
            uri: "/v1/collections/course/search", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"query": "\#(query)", "top_k": 50, "mode": "keyword"}"#)
        )
        #expect(response.status == .ok)
        return ((try json(response)["results"] as? [[String: Any]]) ?? []).compactMap { $0["source"] as? String }
    }

    /// Issue #14: a full disk answers writes 507 with nothing half-stored, reads keep working,
    /// and writes work again once space is freed; checkpoints and backups fail without damage.
    @Test func aFullDiskRefusesWritesWith507AndRecovers() async throws {
        let fileSystem = try SmallFileSystem(megabytes: 24)
        defer { fileSystem.unmount() }
        let server = try TestServer(dataDirectory: fileSystem.mountPoint.appendingPathComponent("data"))
        try await server.application.test(.router) { client in
            let stored = try await client.execute(
                uri: "/v1/collections/course/documents", method: .post, headers: Self.authorized,
                body: ByteBuffer(string: Self.document("before.md", passages: 3))
            )
            #expect(stored.status == .created)

            let filler = try fileSystem.fill()
            let refused = try await client.execute(
                uri: "/v1/collections/course/documents", method: .post, headers: Self.authorized,
                body: ByteBuffer(string: Self.document("while-full.md", passages: 60))
            )
            #expect(refused.status.code == 507)
            #expect(try errorCode(refused) == "insufficient_storage")
            #expect(try await search(client, "before.md 向量检索").contains("before.md"))
            #expect(throws: CollectionFailures.self) {
                try server.library.checkpointAll()
            }
            let backups = fileSystem.mountPoint.appendingPathComponent("data/.backups")
            #expect(throws: (any Error).self) {
                try BackupManager().backup(CollectionFolder(dataDirectory: server.dataDirectory, name: "course"), to: backups)
            }
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: backups.appendingPathComponent("course").path)) ?? []
            #expect(leftovers.isEmpty, "\(leftovers)")

            try FileManager.default.removeItem(at: filler)
            let retried = try await client.execute(
                uri: "/v1/collections/course/documents", method: .post, headers: Self.authorized,
                body: ByteBuffer(string: Self.document("while-full.md", passages: 60))
            )
            #expect(retried.status == .created)
            let sources = try await search(client, "向量检索 要点")
            #expect(sources.contains("before.md") && sources.contains("while-full.md"))
            #expect(try server.library.checkpointChanged().contains("course"))
        }
    }

    /// Issue #14: an image upload to a full disk answers 507, leaves no file or row behind,
    /// and the same upload is stored once space is freed.
    @Test func aFullDiskRefusesImageUploadsWith507AndRecovers() async throws {
        let fileSystem = try SmallFileSystem(megabytes: 24)
        defer { fileSystem.unmount() }
        let server = try ImageTestServer(dataDirectory: fileSystem.mountPoint.appendingPathComponent("data"))
        let media = server.base.dataDirectory.appendingPathComponent("products")
        /// The collection's files (folders aside).
        @Sendable func files() -> Set<String> {
            let paths = (FileManager.default.enumerator(atPath: media.path)?.allObjects as? [String]) ?? []
            return Set(
                paths.filter { path in
                    var isFolder: ObjCBool = false
                    return FileManager.default.fileExists(atPath: media.appendingPathComponent(path).path, isDirectory: &isFolder)
                        && !isFolder.boolValue
                })
        }
        @Sendable func upload(_ client: some TestClientProtocol) async throws -> TestResponse {
            var body = MultipartBody()
            body.addFile(field: "image", name: "late.png", data: Array(try ImageTestServer.picture(seed: 11)), contentType: "image/png")
            body.addField("category", "late")
            return try await client.execute(
                uri: "/v1/collections/products/images", method: .post,
                headers: [.contentType: MultipartBody.contentType, .authorization: "Bearer \(TestServer.adminToken)"], body: body.buffer
            )
        }
        try await server.application.test(.router) { client in
            let before = files()
            let filler = try fileSystem.fill()
            let refused = try await upload(client)
            #expect(refused.status.code == 507)
            #expect(try errorCode(refused) == "insufficient_storage")
            #expect(try server.products.store.imageCount() == server.ids.count)
            #expect(
                files().subtracting(before).filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }.isEmpty,
                "\(files().subtracting(before))")
            let similar = try await client.execute(uri: "/v1/collections/products/items/\(server.ids[0])/similar", method: .get)
            #expect(similar.status == .ok)

            try FileManager.default.removeItem(at: filler)
            let stored = try await upload(client)
            #expect(stored.status == .created)
            #expect(try server.products.store.imageCount() == server.ids.count + 1)
            let late = try await client.execute(
                uri: "/v1/collections/products/search/image?category=late", method: .post,
                headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: Array(try ImageTestServer.picture(seed: 11))))
            #expect((try json(late)["results"] as? [[String: Any]])?.count == 1)
        }
    }

    /// A read-only data folder keeps answering searches; writes get 503 `read_only`.
    @Test func aReadOnlyDataFolderKeepsSearching() async throws {
        let fileSystem = try SmallFileSystem(megabytes: 24)
        defer { fileSystem.unmount() }
        let server = try TestServer(dataDirectory: fileSystem.mountPoint.appendingPathComponent("data"))
        try server.library.checkpointAll()
        let readOnly = try fileSystem.readOnlyView(of: server.dataDirectory)
        let library = try CollectionLibrary(
            dataDirectory: readOnly, modelsDirectory: TestServer.repositoryRoot.appendingPathComponent("models"), logger: Logger(label: "test")
        )
        #expect(library.unavailableCollections.isEmpty, "\(library.unavailableCollections)")
        let application = Application(router: QuarryApplication.router(library: library, configuration: server.configuration))
        try await application.test(.router) { client in
            #expect(try await search(client, "IVF nprobe").contains("indexes.md"))
            let refused = try await client.execute(
                uri: "/v1/collections/course/documents", method: .post, headers: Self.authorized,
                body: ByteBuffer(string: Self.document("read-only.md", passages: 2))
            )
            #expect(refused.status == .serviceUnavailable)
            #expect(try errorCode(refused) == "read_only")
        }
    }
}
