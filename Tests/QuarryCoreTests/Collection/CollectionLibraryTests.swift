import Foundation
import Logging
import Testing

@testable import QuarryCore

@Suite(.serialized) struct CollectionLibraryTests {
    static let logger = Logger(label: "test")

    static func document(_ source: String, passages: Int) -> TextDocument {
        TextDocument(
            source: source, contentHash: source,
            passages: (0..<passages).map {
                .init(text: "\(source) 的第 \($0) 段：向量索引与检索。", chapter: "第 \($0) 章")
            })
    }

    func library(_ folder: TemporaryFolder) throws -> CollectionLibrary {
        try CollectionLibrary(dataDirectory: folder.url, modelsDirectory: TestModels.modelsDirectory, logger: Self.logger)
    }

    /// Rewrites the `collection.json` of `name` with `change` and drops its index files, so that
    /// opening it has to build the index from the configuration.
    func editConfiguration(_ name: String, in folder: TemporaryFolder, _ change: (inout CollectionConfiguration) -> Void) throws {
        let collection = CollectionFolder(dataDirectory: folder.url, name: name)
        var configuration = try collection.readConfiguration()
        change(&configuration)
        try collection.writeConfiguration(configuration)
        for file in ["index.faiss", "index.manifest.json"] {
            try? FileManager.default.removeItem(at: collection.url.appendingPathComponent(file))
        }
    }

    /// Issue #14: one collection that could not open stopped `quarry serve` for all of them.
    @Test func aCollectionThatCannotOpenLeavesTheOthersServing() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do {
            let library = try library(folder)
            for name in ["good", "corrupt", "invalid-factory", "missing-model"] {
                try library.textCollection(creating: name, model: "e5-small").add(Self.document("\(name).md", passages: 2))
            }
            try library.checkpointAll()
        }
        let corruptStore = CollectionFolder(dataDirectory: folder.url, name: "corrupt").storeURL
        try Data(repeating: 0x5A, count: 4_096).write(to: corruptStore)
        try editConfiguration("invalid-factory", in: folder) { $0.factory = "IVF0,Flat" }
        try editConfiguration("missing-model", in: folder) { $0.model = "no-such-model" }

        let library = try library(folder)
        #expect(library.allCollections.map(\.name) == ["good"])
        #expect(try library.textCollection(named: "good")?.store.passageCount() == 2)
        let unavailable = library.unavailableCollections
        #expect(unavailable.map(\.name) == ["corrupt", "invalid-factory", "missing-model"])
        #expect(unavailable.allSatisfy { !$0.reason.isEmpty })
        #expect(unavailable[1].reason.contains("IVF0"))
        #expect(unavailable[2].reason.contains("no-such-model"))
        // The broken folder is kept for repair, never replaced.
        #expect(throws: CollectionError.self) { try library.textCollection(creating: "corrupt", model: "e5-small") }
        #expect(try Data(contentsOf: corruptStore) == Data(repeating: 0x5A, count: 4_096))
    }

    /// Issue #14: `quarry ingest --factory IVF4,Flat` on a new collection committed its rows to an
    /// untrained index, and the next open failed with "index is not trained".
    @Test func anIndexTypeThatNeedsTrainingIsTrainedOnceEnoughVectorsAreStored() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do {
            let collection = try TextCollection.create(name: "ivf", in: folder.url, encoder: TestModels.e5, factory: "IVF4,Flat", logger: Self.logger)
            try collection.add(Self.document("a.md", passages: 2))
            #expect(collection.index.factory == "Flat")
            #expect(collection.index.pendingFactory == "IVF4,Flat")
            #expect(collection.index.count == 2)
            try collection.add(Self.document("b.md", passages: 3))
            #expect(collection.index.factory == "IVF4,Flat")
            #expect(collection.index.pendingFactory == nil)
            #expect(collection.index.count == 5)
        }
        let reopened = try TextCollection.open(
            folder: CollectionFolder(dataDirectory: folder.url, name: "ivf"), encoder: TestModels.e5, logger: Self.logger
        )
        #expect(reopened.index.factory == "IVF4,Flat")
        #expect(reopened.index.count == 5)
    }

    @Test func tooFewVectorsToTrainServeExactlyAndSurviveAReopen() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do {
            let collection = try TextCollection.create(
                name: "ivf", in: folder.url, encoder: TestModels.e5, factory: "IVF64,Flat", logger: Self.logger)
            try collection.add(Self.document("a.md", passages: 3))
            let hits = try collection.search(TextSearchRequest(query: "a.md 的第 1 段：向量索引与检索。", topK: 3, mode: .vector)).hits
            #expect(hits.count == 3)
            #expect(hits.first?.passage.text == "a.md 的第 1 段：向量索引与检索。")
            try collection.checkpoint()
        }
        let reopened = try TextCollection.open(
            folder: CollectionFolder(dataDirectory: folder.url, name: "ivf"), encoder: TestModels.e5, logger: Self.logger
        )
        #expect(reopened.index.count == 3)
        #expect(reopened.index.pendingFactory == "IVF64,Flat")
        // Asked for explicitly, an index type the stored vectors cannot train is refused, and nothing changes.
        #expect(throws: CollectionError.tooFewVectorsToTrain(factory: "IVF64,Flat", needed: 64, stored: 3)) {
            try reopened.reindex(factory: "IVF64,Flat")
        }
        #expect(reopened.index.count == 3)
    }

    @Test func aCollectionThatCannotBeOpenedIsNotLeftHalfCreated() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: (any Error).self) {
            try TextCollection.create(name: "bad", in: folder.url, encoder: TestModels.e5, factory: "IVF0,Flat", logger: Self.logger)
        }
        #expect(CollectionFolder.all(in: folder.url).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("bad").path))
    }

    /// Issue #14: `checkpointChanged` stopped at the first collection that failed.
    @Test func aFailedCheckpointDoesNotKeepTheOthersFromTheirs() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let library = try library(folder)
        for name in ["a", "b", "c"] {
            try library.textCollection(creating: name, model: "e5-small").add(Self.document("\(name).md", passages: 1))
        }
        // A folder where the index file should be: writing it fails.
        let blocked = CollectionFolder(dataDirectory: folder.url, name: "a").url.appendingPathComponent("index.faiss")
        try FileManager.default.removeItem(at: blocked)
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("in-the-way"), withIntermediateDirectories: true)

        #expect(throws: CollectionFailures.self) { try library.checkpointChanged() }
        #expect(library.textCollection(named: "a")?.index.hasUncheckpointedChanges == true)
        #expect(library.textCollection(named: "b")?.index.hasUncheckpointedChanges == false)
        #expect(library.textCollection(named: "c")?.index.hasUncheckpointedChanges == false)
    }

    /// Issue #14: HNSW tombstones were never compacted, so every re-ingest left dead nodes that
    /// searches fetched past.
    @Test func reIngestingIntoAnHNSWIndexDoesNotAccumulateRemovedSlots() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try TextCollection.create(name: "hnsw", in: folder.url, encoder: TestModels.e5, factory: "HNSW16,Flat", logger: Self.logger)
        for version in 0..<6 {
            try collection.add(
                TextDocument(
                    source: "a.md", contentHash: "v\(version)",
                    passages: (0..<4).map {
                        .init(text: "第 \(version) 版的第 \($0) 段。", chapter: "")
                    }))
            try collection.index.compactIfNeeded()
            let index = collection.index.current
            #expect(Double(index.removedSlots) <= 0.2 * Double(index.removedSlots + index.count), "version \(version)")
        }
        #expect(collection.index.count == 4)
        #expect(collection.index.factory == "HNSW16,Flat")
    }

    /// Overwrites one page in the middle of the SQLite file at `url` with garbage.
    func corruptAPage(of url: URL) throws {
        let handle = try FileHandle(forUpdating: url)
        let size = try handle.seekToEnd()
        #expect(size >= 4 * 4_096, "the store needs a few pages")
        try handle.seek(toOffset: (size / 4_096 / 2) * 4_096)
        try handle.write(contentsOf: Data((0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 13) }))
        try handle.close()
    }

    /// Issue #14: a damaged page is detected when the store opens, and the collection falls back
    /// to its newest valid backup (the damaged copy is kept aside), or is unavailable without one.
    @Test func aCorruptPageFallsBackToTheNewestValidBackup() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do {
            let library = try library(folder)
            for name in ["backed-up", "not-backed-up"] {
                let collection = try library.textCollection(creating: name, model: "e5-small")
                for number in 0..<4 { try collection.add(Self.document("\(name)-\(number).md", passages: 4)) }
                try collection.checkpoint()
            }
            _ = try BackupManager().backup(
                CollectionFolder(dataDirectory: folder.url, name: "backed-up"), to: BackupManager.defaultBackupsRoot(for: folder.url)
            )
        }
        for name in ["backed-up", "not-backed-up"] {
            try corruptAPage(of: CollectionFolder(dataDirectory: folder.url, name: name).storeURL)
        }
        let library = try library(folder)
        let restored = try #require(library.textCollection(named: "backed-up"))
        #expect(try restored.store.passageCount() == 16)
        #expect(try restored.store.sources().count == 4)
        #expect(library.unavailableCollection(named: "not-backed-up")?.reason.contains("malformed") == true)
        let kept = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasPrefix(".corrupt-backed-up-") }
        #expect(kept.count == 1)
    }
}
