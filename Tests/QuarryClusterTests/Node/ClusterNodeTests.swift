import Foundation
import Logging
import QuarryCore
import Testing

@testable import QuarryCluster

/// Cluster writes and nodes against a real PostgreSQL 15 started for each test.
@Suite(.serialized) struct ClusterNodeTests {
    let logger = Logger(label: "cluster-test")
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models")
    static let notes = CollectionSpecification(kind: .text, model: "e5-small")

    /// Document `number` with two passages whose vectors are unit vectors along axes `number` and `number + 1`.
    func document(_ number: Int, version: Int = 1) -> EmbeddedDocument {
        func axis(_ index: Int) -> [Float] {
            var vector = [Float](repeating: 0, count: 384)
            vector[index % 384] = 1
            return vector
        }
        return EmbeddedDocument(
            source: "notes/\(number).md", contentHash: "\(number)-v\(version)",
            passages: [
                NewPassage(.init(text: "note \(number) version \(version), first", indexedText: "note \(number) first"), vector: axis(number)),
                NewPassage(.init(text: "note \(number) version \(version), second", indexedText: "note \(number) second"), vector: axis(number + 1)),
            ])
    }

    func emptyLibrary() throws -> CollectionLibrary {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-node-\(UUID().uuidString)")
        return try CollectionLibrary(dataDirectory: folder, modelsDirectory: Self.models, logger: logger)
    }

    /// Nodes "a" and "b" on empty data folders (advertising the given URLs), each following the
    /// log in a task of `following` until it is cancelled.
    func twoNodes(
        _ postgres: TestPostgres, advertising urls: (String?, String?) = (nil, nil)
    ) async throws -> (a: ClusterNode, b: ClusterNode, first: CollectionLibrary, second: CollectionLibrary, following: [Task<Void, Never>]) {
        let (first, second) = (try emptyLibrary(), try emptyLibrary())
        let a = try await ClusterNode.join(url: postgres.url, name: "a", advertisedURL: urls.0, library: first, logger: logger)
        let b = try await ClusterNode.join(url: postgres.url, name: "b", advertisedURL: urls.1, library: second, logger: logger)
        return (a, b, first, second, [Task { await a.run() }, Task { await b.run() }])
    }

    /// The ids of the passages `collection` holds on this node, sorted.
    func localIDs(_ library: CollectionLibrary, _ collection: String) throws -> [Int64] {
        try #require(library.textCollection(named: collection)).vectorSource.allIDs().sorted()
    }

    @Test func concurrentWritesGetGapFreeSequenceNumbersInCommitOrder() async throws {
        let postgres = try TestPostgres()
        defer { postgres.stop() }
        let writer = try await ClusterWriter.connect(url: postgres.url, name: "writer", logger: logger)
        #expect(try await writer.commit(.createCollection(name: "notes", specification: Self.notes)).sequence == 1)
        let sequences = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for number in 0..<24 {
                group.addTask { try await writer.commit(.storeDocument(collection: "notes", document: document(number))).sequence }
            }
            return try await group.reduce(into: [Int64?]()) { $0.append($1) }
        }
        #expect(Set(sequences.compactMap { $0 }) == Set(2...25))
        #expect(try postgres.query("SELECT seq FROM quarry_changes ORDER BY seq") == (1...25).map(String.init))
        #expect(try postgres.query("SELECT last_seq FROM quarry_log_head") == ["25"])
        // Writes that change nothing log nothing and give back their sequence number.
        #expect(try await writer.commit(.storeDocument(collection: "notes", document: document(3))).sequence == nil)
        #expect(try await writer.commit(.createCollection(name: "notes", specification: Self.notes)).sequence == nil)
        #expect(try await writer.commit(.storeDocument(collection: "notes", document: document(3, version: 2))).sequence == 26)
        await #expect(throws: CollectionError.self) {
            try await writer.commit(.createCollection(name: "notes", specification: .init(kind: .text, model: "minilm-l6")))
        }
        await #expect(throws: CollectionError.self) {
            try await writer.commit(.storeDocument(collection: "missing", document: document(1)))
        }
        // A second process migrating the same database finds it up to date.
        _ = try await ClusterWriter.connect(url: postgres.url, name: "again", logger: logger)
        #expect(try postgres.query("SELECT count(*) FROM quarry_schema") == ["\(ClusterSchema.migrations.count)"])
        await writer.close()
    }

    @Test func aNodeAnswersAWriteOnceItHasAppliedItWithThePassageIdsOfPostgres() async throws {
        let postgres = try TestPostgres()
        defer { postgres.stop() }
        let library = try emptyLibrary()
        let node = try await ClusterNode.join(url: postgres.url, name: "a", library: library, logger: logger)
        let following = Task { await node.run() }
        defer { following.cancel() }

        let created = try await node.commit(.createCollection(name: "notes", specification: Self.notes))
        #expect(created.sequence == 1)
        #expect(library.textCollection(named: "notes") != nil)
        let stored = try await node.commit(.storeDocument(collection: "notes", document: document(7)))
        #expect(stored == CommittedWrite(sequence: 2, passages: 2))
        let postgresIDs = try postgres.query("SELECT id FROM quarry_passages ORDER BY id").compactMap(Int64.init)
        #expect(postgresIDs.count == 2)
        #expect(try localIDs(library, "notes") == postgresIDs)

        // A new version replaces the passages under new ids; a deletion removes them everywhere.
        _ = try await node.commit(.storeDocument(collection: "notes", document: document(7, version: 2)))
        let replacedIDs = try postgres.query("SELECT id FROM quarry_passages ORDER BY id").compactMap(Int64.init)
        #expect(Set(replacedIDs).isDisjoint(with: postgresIDs))
        #expect(try localIDs(library, "notes") == replacedIDs)
        let deleted = try await node.commit(.deleteDocument(collection: "notes", source: "notes/7.md"))
        #expect(deleted.passages == 2)
        #expect(try localIDs(library, "notes").isEmpty)
        #expect(node.status().appliedSequence == 4)
        #expect(try NodeState.load(from: library.dataDirectory, node: "a").appliedSequence == 4)
    }

    @Test func aNewNodeBootstrapsFromTheRowsOnceTheLogIsPrunedThenFollowsIt() async throws {
        let postgres = try TestPostgres()
        defer { postgres.stop() }
        let writer = try await ClusterWriter.connect(url: postgres.url, name: "writer", logger: logger)
        _ = try await writer.commit(.createCollection(name: "notes", specification: Self.notes))
        _ = try await writer.commit(.createCollection(name: "gone", specification: Self.notes))
        for number in 0..<4 { _ = try await writer.commit(.storeDocument(collection: "notes", document: document(number))) }
        _ = try await writer.commit(.deleteDocument(collection: "notes", source: "notes/2.md"))
        _ = try await writer.commit(.deleteCollection(name: "gone"))
        _ = try postgres.query("INSERT INTO quarry_nodes (name, applied_seq) VALUES ('old', 8)")
        let pruned = try await writer.database.run("prune", patience: .seconds(5)) { connection in
            try await ChangeLog.prune(retention: .seconds(3_600), on: connection, logger: logger)
        }
        #expect(pruned == 8)

        let library = try emptyLibrary()
        let node = try await ClusterNode.join(url: postgres.url, name: "b", library: library, logger: logger)
        let following = Task { await node.run() }
        defer { following.cancel() }
        #expect(await node.waitUntilApplied(8, timeout: .seconds(30)))
        #expect(library.collection(named: "gone") == nil)
        #expect(try library.textCollection(named: "notes")?.store.sources() == ["notes/0.md", "notes/1.md", "notes/3.md"])
        #expect(try localIDs(library, "notes") == postgres.query("SELECT id FROM quarry_passages ORDER BY id").compactMap(Int64.init))

        // After the bootstrap the node follows the log.
        let next = try await writer.commit(.storeDocument(collection: "notes", document: document(9)))
        #expect(try await node.waitUntilApplied(#require(next.sequence), timeout: .seconds(30)))
        #expect(try library.textCollection(named: "notes")?.store.sources().contains("notes/9.md") == true)
        await writer.close()
    }

    @Test func aliasesReachEveryNodeByTheLogAndByABootstrap() async throws {
        let postgres = try TestPostgres()
        defer { postgres.stop() }
        let (a, b, first, second, following) = try await twoNodes(postgres)
        defer { for task in following { task.cancel() } }
        _ = try await a.commit(.createCollection(name: "notes", specification: Self.notes))
        _ = try await a.commit(.createCollection(name: "archive", specification: Self.notes))

        let set = try await a.commit(.setAlias(alias: "current", collection: "notes"))
        #expect(set.previousTarget == nil)
        #expect(first.aliasTargets == ["current": "notes"])
        #expect(try await b.waitUntilApplied(#require(set.sequence), timeout: .seconds(30)))
        #expect(second.aliasTargets == ["current": "notes"])

        let moved = try await b.commit(.setAlias(alias: "current", collection: "archive"))
        #expect(moved.previousTarget == "notes")
        #expect(try await a.waitUntilApplied(#require(moved.sequence), timeout: .seconds(30)))
        #expect(first.aliasTargets == ["current": "archive"])
        #expect(try await b.commit(.setAlias(alias: "current", collection: "archive")) == CommittedWrite(sequence: nil, previousTarget: "archive"))

        // The refusals of a single server: an alias named like a collection, of a missing
        // collection, a collection named like an alias, deleting a collection an alias names.
        for refused in [
            ReplicatedWrite.setAlias(alias: "notes", collection: "archive"), .setAlias(alias: "other", collection: "missing"),
            .createCollection(name: "current", specification: Self.notes), .deleteCollection(name: "archive"),
        ] {
            await #expect(throws: CollectionError.self) { try await a.commit(refused) }
        }
        #expect(try postgres.query("SELECT alias, collection FROM quarry_aliases") == ["current|archive"])

        let removed = try await a.commit(.removeAlias(alias: "current"))
        #expect(removed.previousTarget == "archive")
        #expect(try await b.waitUntilApplied(#require(removed.sequence), timeout: .seconds(30)))
        #expect(second.aliasTargets.isEmpty)
        #expect(try await a.commit(.removeAlias(alias: "current")) == CommittedWrite(sequence: nil))

        // A node that finds the log pruned gets the aliases from the rows.
        let latest = try await a.commit(.setAlias(alias: "latest", collection: "notes"))
        _ = try postgres.query("DELETE FROM quarry_changes")
        let third = try emptyLibrary()
        let c = try await ClusterNode.join(url: postgres.url, name: "c", library: third, logger: logger)
        let followingC = Task { await c.run() }
        defer { followingC.cancel() }
        #expect(try await c.waitUntilApplied(#require(latest.sequence), timeout: .seconds(30)))
        #expect(third.aliasTargets == ["latest": "notes"])
        #expect(third.textCollection(named: "latest")?.name == "notes")
    }

    @Test func eachNodeHoldsTheDocumentsOfTheShardsTheShardMapGivesIt() async throws {
        let postgres = try TestPostgres()
        defer { postgres.stop() }
        let (a, b, first, second, following) = try await twoNodes(postgres, advertising: ("http://127.0.0.1:9001", "http://127.0.0.1:9002"))
        defer { for task in following { task.cancel() } }
        let layout = ShardLayout(shards: 2, replicas: 1)
        let sharded = CollectionSpecification(kind: .text, model: "e5-small", factory: "Flat", sharding: layout)
        _ = try await a.commit(.createCollection(name: "notes", specification: sharded))
        #expect(try postgres.query("SELECT shard, node FROM quarry_shards ORDER BY shard") == ["0|a", "1|b"])
        var last: Int64 = 0
        for number in 0..<20 { last = try #require(try await b.commit(.storeDocument(collection: "notes", document: document(number))).sequence) }
        #expect(await a.waitUntilApplied(last, timeout: .seconds(30)))

        // Each node keeps exactly its shard's documents, with PostgreSQL's ids; together they hold all.
        for (library, shard) in [(first, 0), (second, 1)] {
            let collection = try #require(library.textCollection(named: "notes"))
            #expect(collection.configuration.heldShards == [shard])
            let sources = try collection.store.sources()
            #expect(!sources.isEmpty && sources.allSatisfy { layout.shard(ofSource: $0) == shard })
            let expected = try postgres.query("SELECT id, source FROM quarry_passages ORDER BY id").filter { row in
                layout.shard(ofSource: String(row.split(separator: "|")[1])) == shard
            }
            #expect(try localIDs(library, "notes") == expected.compactMap { Int64($0.split(separator: "|")[0]) })
        }
        #expect(try localIDs(first, "notes").count + localIDs(second, "notes").count == 40)
        #expect(try await a.shardRoute(for: "notes") == ShardRoute(localShards: [0], remoteCandidates: [1: ["http://127.0.0.1:9002"]]))
        #expect(try await b.shardRoute(for: "notes") == ShardRoute(localShards: [1], remoteCandidates: [0: ["http://127.0.0.1:9001"]]))

        // A node bootstrapped from the rows keeps its shards' documents only; one that holds no
        // shard (it joined after the collection was made) routes every shard elsewhere.
        _ = try postgres.query("DELETE FROM quarry_changes")
        _ = try postgres.query("UPDATE quarry_shards SET node = 'c' WHERE node = 'b'")
        let third = try emptyLibrary()
        let c = try await ClusterNode.join(url: postgres.url, name: "c", advertisedURL: "http://127.0.0.1:9003", library: third, logger: logger)
        let followingC = Task { await c.run() }
        defer { followingC.cancel() }
        #expect(await c.waitUntilApplied(last, timeout: .seconds(30)))
        #expect(try localIDs(third, "notes") == localIDs(second, "notes"))
        #expect(try await c.shardRoute(for: "notes") == ShardRoute(localShards: [1], remoteCandidates: [0: ["http://127.0.0.1:9001"]]))
        // With no node seen alive (none reporting any more), no node can be given the shards of a new collection.
        for task in following + [followingC] { task.cancel() }
        try await Task.sleep(for: .seconds(1))
        _ = try postgres.query("UPDATE quarry_nodes SET seen_at = now() - interval '1 hour'")
        await #expect(throws: CollectionError.self) {
            try await ClusterWriter.connect(url: postgres.url, name: "cli", logger: logger)
                .commit(.createCollection(name: "more", specification: sharded))
        }
    }

    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("EmbeddingsTests/Fixtures/images")

    @Test func imagesAndSingleItemDeletesReachEveryNodeByTheLogAndByABootstrap() async throws {
        let postgres = try TestPostgres()
        defer { postgres.stop() }
        let (a, b, first, second, following) = try await twoNodes(postgres)
        defer { for task in following { task.cancel() } }
        _ = try await a.commit(.createCollection(name: "shop", specification: .init(kind: .image, model: "efficientnet-lite0")))
        _ = try await a.commit(.createCollection(name: "notes", specification: Self.notes))
        let shop = try #require(first.imageCollection(named: "shop"))
        // Node a embeds the uploads; PostgreSQL holds each file, its metadata and its vector.
        let uploads = try ["rocket.jpg", "astronaut.jpg", "coffee-small.png"].map { name in
            ImageInput.upload(
                try Data(contentsOf: Self.images.appendingPathComponent(name)), fileName: name, category: "demo", price: 12.5, title: name,
                metadata: [:])
        }
        let (_, embedded) = try shop.embedded(uploads)
        #expect(embedded.count == 3)
        var last: Int64 = 0
        var ids: [Int64] = []
        for (_, image) in embedded {
            let committed = try await a.commit(.storeImage(collection: "shop", image: image))
            ids.append(try #require(committed.itemID))
            last = try #require(committed.sequence)
        }
        #expect(try await a.commit(.storeImage(collection: "shop", image: embedded[0].image)).sequence == nil)
        await #expect(throws: CollectionError.self) { try await a.commit(.storeImage(collection: "notes", image: embedded[0].image)) }
        #expect(await b.waitUntilApplied(last, timeout: .seconds(30)))
        let replica = try #require(second.imageCollection(named: "shop"))
        for (id, (_, image)) in zip(ids, embedded) {
            let stored = try #require(try replica.image(id: id))
            #expect(stored.path == image.image.path && stored.contentHash == image.image.contentHash && stored.price == 12.5)
            #expect(try Data(contentsOf: try #require(replica.mediaFile(for: stored))) == image.data)
            #expect(FileManager.default.fileExists(atPath: replica.thumbnailFile(for: stored).path))
        }
        #expect(try replica.vectorSource.allIDs().sorted() == ids.sorted())
        // The same vectors: a search by a stored image's vector finds it first on both nodes.
        let probe = embedded[1].image.image.vector
        #expect(try shop.nearestDuplicate(of: probe)?.image.id == ids[1])
        #expect(try replica.nearestDuplicate(of: probe)?.image.id == ids[1])

        // Deleting one image, and one passage of a text collection, reaches the other node.
        let deleted = try await b.commit(.deleteItem(collection: "shop", id: ids[0]))
        #expect(deleted.passages == 1)
        #expect(try await b.commit(.deleteItem(collection: "shop", id: ids[0])).sequence == nil)
        _ = try await a.commit(.storeDocument(collection: "notes", document: document(3)))
        let passage = try #require(try localIDs(first, "notes").first)
        let removed = try await a.commit(.deleteItem(collection: "notes", id: passage))
        #expect(await b.waitUntilApplied(try #require(removed.sequence), timeout: .seconds(30)))
        #expect(try shop.image(id: ids[0]) == nil && replica.image(id: ids[0]) == nil)
        #expect(try localIDs(second, "notes") == localIDs(first, "notes") && !localIDs(second, "notes").contains(passage))

        // A node that finds the log pruned gets the images (and the passage deletion) from the rows.
        _ = try postgres.query("DELETE FROM quarry_changes")
        let third = try emptyLibrary()
        let c = try await ClusterNode.join(url: postgres.url, name: "c", library: third, logger: logger)
        let followingC = Task { await c.run() }
        defer { followingC.cancel() }
        #expect(await c.waitUntilApplied(try #require(removed.sequence), timeout: .seconds(60)))
        #expect(try third.imageCollection(named: "shop")?.vectorSource.allIDs().sorted() == Array(ids.dropFirst()).sorted())
        #expect(try localIDs(third, "notes") == localIDs(first, "notes"))
    }

    /// A node away while a document was deleted and stored again with the same content (same
    /// hash, new passage ids) once kept the document row and dropped all its passages on return.
    @Test func aNodeBackFromAwayStoresAgainADocumentReplacedWithTheSameContent() async throws {
        let postgres = try TestPostgres()
        defer { postgres.stop() }
        let writer = try await ClusterWriter.connect(url: postgres.url, name: "writer", logger: logger)
        _ = try await writer.commit(.createCollection(name: "notes", specification: Self.notes))
        _ = try await writer.commit(.storeDocument(collection: "notes", document: document(1)))
        let library = try emptyLibrary()
        let before = try await ClusterNode.join(url: postgres.url, name: "c", library: library, logger: logger)
        let followingBefore = Task { await before.run() }
        #expect(await before.waitUntilApplied(2, timeout: .seconds(30)))
        followingBefore.cancel()
        _ = await followingBefore.value
        _ = try await writer.commit(.deleteDocument(collection: "notes", source: "notes/1.md"))
        let again = try await writer.commit(.storeDocument(collection: "notes", document: document(1)))
        _ = try postgres.query("DELETE FROM quarry_changes")
        let back = try await ClusterNode.join(url: postgres.url, name: "c", library: library, logger: logger)
        let following = Task { await back.run() }
        defer { following.cancel() }
        #expect(await back.waitUntilApplied(try #require(again.sequence), timeout: .seconds(30)))
        let postgresIDs = try postgres.query("SELECT id FROM quarry_passages ORDER BY id").compactMap(Int64.init)
        #expect(postgresIDs.count == 2)
        #expect(try localIDs(library, "notes") == postgresIDs)
        await writer.close()
    }

    @Test func theCommandLineCommitsIntoAnExistingCollectionOfTheSameKindAndModel() async throws {
        let postgres = try TestPostgres()
        defer { postgres.stop() }
        let writer = try await ClusterWriter.connect(url: postgres.url, name: "cli", logger: logger)
        let sharded = CollectionSpecification(kind: .text, model: "e5-small", factory: "Flat", sharding: ShardLayout(shards: 2))
        _ = try postgres.query("INSERT INTO quarry_nodes (name, applied_seq, url) VALUES ('a', 0, 'http://127.0.0.1:9001')")
        #expect(try await writer.commit(.createCollection(name: "notes", specification: sharded)).sequence == 1)
        // `quarry ingest --cluster-url` asks only for the kind and model: the shards are kept.
        #expect(try await writer.ensureCollection("notes", as: Self.notes) == CommittedWrite(sequence: nil))
        await #expect(throws: CollectionError.self) {
            try await writer.ensureCollection("notes", as: CollectionSpecification(kind: .text, model: "minilm-l6"))
        }
        #expect(try await writer.ensureCollection("other", as: Self.notes).sequence == 2)
        await writer.close()
    }

    @Test func aDataFolderWithCollectionsThatWasNeverANodesIsRefused() async throws {
        let postgres = try TestPostgres()
        defer { postgres.stop() }
        let library = try emptyLibrary()
        _ = try library.textCollection(creating: "local", model: "e5-small")
        await #expect(throws: ClusterError.self) {
            _ = try await ClusterNode.join(url: postgres.url, name: "a", library: library, logger: logger)
        }
    }
}
