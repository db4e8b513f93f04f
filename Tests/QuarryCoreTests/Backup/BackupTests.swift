import Embeddings
import Foundation
import Logging
import QuarryCore
import Testing

@Suite(.serialized) struct BackupTests {
    static let logger = Logger(label: "test")
    static let queries = ["HNSW 的 efSearch 参数有什么作用？", "how does product quantization compress vectors", "nprobe 召回率"]

    let folder: TemporaryFolder
    let data: URL
    let backups: URL
    let manager = BackupManager()

    init() throws {
        folder = try TemporaryFolder()
        data = folder.url.appendingPathComponent("data", isDirectory: true)
        backups = BackupManager.defaultBackupsRoot(for: data)
    }

    func makeCollection() throws -> TextCollection {
        let collection = try TextCollection.create(name: "course", in: data, encoder: TestModels.e5, logger: Self.logger)
        for document in TextCollectionTests.documents { try collection.add(document) }
        return collection
    }

    static func document(_ number: Int) -> TextDocument {
        TextDocument(
            source: "extra-\(number).md", contentHash: "\(number)", passages: [.init(text: "补充说明第 \(number) 条：向量检索的参数调优。")]
        )
    }

    func vectorIDs(_ collection: TextCollection) throws -> [[Int64]] {
        try Self.queries.map { query in
            try collection.search(TextSearchRequest(query: query, topK: 3, mode: .vector)).hits.map(\.passage.id)
        }
    }

    @Test func backupVerifiesAndRestoresTheSameCollection() throws {
        defer { folder.remove() }
        let collection = try makeCollection()
        let info = try manager.backup(collection.folder, to: backups)
        #expect(info.folder.deletingLastPathComponent().path == backups.appendingPathComponent("course").path)
        #expect(info.folder.lastPathComponent.wholeMatch(of: /\d{8}T\d{6}Z/) != nil)
        #expect(info.manifest.collection == "course" && info.manifest.kind == .text)
        #expect(info.manifest.storeRows == 4)
        #expect(info.manifest.quarryVersion == BuildInfo.version)
        #expect(!info.indexRebuilt)
        #expect(Set(info.manifest.files.map(\.path)) == Set(BackupManifest.requiredFiles))
        let contents = try FileManager.default.contentsOfDirectory(atPath: info.folder.path)
        #expect(Set(contents) == Set(BackupManifest.requiredFiles + [BackupManifest.fileName]))
        // A self-contained SQLite file: header bytes 18–19 say rollback journal, not WAL.
        #expect(try Data(contentsOf: info.folder.appendingPathComponent("store.sqlite"))[18...19] == Data([1, 1]))

        let report = try manager.verify(info.folder)
        #expect(report.problems == [])
        #expect(report.isValid)

        let fresh = folder.url.appendingPathComponent("fresh", isDirectory: true)
        let restored = try manager.restore(info.folder, into: fresh)
        let reopened = try TextCollection.open(folder: restored, encoder: TestModels.e5, logger: Self.logger)
        #expect(try reopened.store.passageCount() == 4)
        #expect(reopened.index.count == 4)
        #expect(try vectorIDs(reopened) == vectorIDs(collection))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fresh.path) == ["course"])
    }

    @Test func restoringUnderAnotherNameRenamesTheCollection() throws {
        defer { folder.remove() }
        let info = try manager.backup(makeCollection().folder, to: backups)
        let restored = try manager.restore(info.folder, into: data, as: "copy")
        #expect(try restored.readConfiguration().name == "copy")
        #expect(try TextCollection.open(folder: restored, encoder: TestModels.e5, logger: Self.logger).store.passageCount() == 4)
    }

    @Test func aCorruptIndexIsReported() throws {
        defer { folder.remove() }
        let collection = try makeCollection()
        let good = try manager.backup(collection.folder, to: backups)
        let bad = try manager.backup(collection.folder, to: backups)
        let indexURL = bad.folder.appendingPathComponent("index.faiss")
        var bytes = try Data(contentsOf: indexURL)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: indexURL)

        let report = try manager.verify(bad.folder)
        #expect(!report.isValid)
        #expect(report.problems.contains(.checksumMismatch(path: "index.faiss")))
        #expect(report.problems.contains(.indexManifestMismatch))
        #expect(throws: BackupError.self) { try manager.restore(bad.folder, into: folder.url.appendingPathComponent("fresh")) }
        #expect(try manager.newestValidBackup(of: "course", in: backups)?.folder == good.folder)
    }

    @Test func aTruncatedStoreIsReported() throws {
        defer { folder.remove() }
        let info = try manager.backup(makeCollection().folder, to: backups)
        let storeURL = info.folder.appendingPathComponent("store.sqlite")
        let size = try #require(info.manifest.files.first { $0.path == "store.sqlite" }?.size)
        let handle = try FileHandle(forWritingTo: storeURL)
        try handle.truncate(atOffset: UInt64(size / 2))
        try handle.close()

        let report = try manager.verify(info.folder)
        #expect(report.problems.contains(.sizeMismatch(path: "store.sqlite", expected: size, actual: size / 2)))
        #expect(report.problems.contains(.checksumMismatch(path: "store.sqlite")))
        #expect(report.problems.contains { if case .storeCorrupt = $0 { true } else { false } })
        #expect(try manager.newestValidBackup(of: "course", in: backups) == nil)
    }

    @Test func anIncompleteBackupIsIgnored() throws {
        defer { folder.remove() }
        let info = try manager.backup(makeCollection().folder, to: backups)
        try FileManager.default.removeItem(at: info.folder.appendingPathComponent(BackupManifest.fileName))
        #expect(try manager.verify(info.folder).problems == [.manifestMissing])
        #expect(manager.backups(of: "course", in: backups).isEmpty)
    }

    @Test func restoreReplacesAnExistingCollectionOnlyWithForce() throws {
        defer { folder.remove() }
        let collection = try makeCollection()
        let info = try manager.backup(collection.folder, to: backups)
        try collection.add(Self.document(1))
        #expect(throws: BackupError.collectionExists(name: "course", path: collection.folder.url.path)) {
            try manager.restore(info.folder, into: data)
        }
        #expect(try collection.store.passageCount() == 5)

        try manager.restore(info.folder, into: data, force: true)
        let replaced = CollectionFolder(dataDirectory: data, name: "course")
        let reopened = try TextCollection.open(folder: replaced, encoder: TestModels.e5, logger: Self.logger)
        #expect(try reopened.store.passageCount() == 4)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: data.path).filter { !$0.hasPrefix(".backups") }
        #expect(leftovers == ["course"])
    }

    @Test func pruneKeepsTheNewestBackups() throws {
        defer { folder.remove() }
        let collection = try makeCollection()
        let made = try (0..<4).map { _ in try manager.backup(collection.folder, to: backups).folder }
        #expect(manager.backups(of: "course", in: backups) == made.reversed())
        let deleted = try manager.prune(collection: "course", in: backups, keepNewest: 2)
        #expect(deleted == [made[1], made[0]])
        #expect(manager.backups(of: "course", in: backups) == [made[3], made[2]])
        #expect(manager.backedUpCollections(in: backups) == ["course"])
    }

    /// Issue #14: pruning deleted old backups whatever the state of the newer ones.
    @Test func pruneDeletesOnlyOnceEnoughNewerBackupsVerify() throws {
        defer { folder.remove() }
        let collection = try makeCollection()
        let made = try (0..<4).map { _ in try manager.backup(collection.folder, to: backups).folder }
        // The two newest are damaged: they do not count towards the two to keep.
        for damaged in made[2...] {
            try Data("damaged".utf8).write(to: damaged.appendingPathComponent("store.sqlite"))
        }
        #expect(try manager.prune(collection: "course", in: backups, keepNewest: 2).isEmpty)
        #expect(manager.backups(of: "course", in: backups).count == 4)
        let fresh = try manager.backup(collection.folder, to: backups).folder
        #expect(try manager.prune(collection: "course", in: backups, keepNewest: 2) == [made[0]])
        #expect(Set(manager.backups(of: "course", in: backups)) == Set([fresh, made[3], made[2], made[1]]))
    }

    @Test func anInterruptedBackupIsCleanedUpByThePruneAfterIt() throws {
        defer { folder.remove() }
        let collection = try makeCollection()
        _ = try manager.backup(collection.folder, to: backups)
        let parent = backups.appendingPathComponent("course", isDirectory: true)
        let interrupted = parent.appendingPathComponent(".partial-20260101T000000Z-crashed", isDirectory: true)
        let underWay = parent.appendingPathComponent(".partial-20260101T000000Z-running", isDirectory: true)
        for partial in [interrupted, underWay] {
            try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
            try Data("half a store".utf8).write(to: partial.appendingPathComponent("store.sqlite"))
        }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7_200)], ofItemAtPath: interrupted.path)
        #expect(try manager.prune(collection: "course", in: backups, keepNewest: 2) == [interrupted])
        #expect(!FileManager.default.fileExists(atPath: interrupted.path))
        #expect(FileManager.default.fileExists(atPath: underWay.path))
    }

    @Test func backupWhileDocumentsAreAddedStaysConsistent() async throws {
        defer { folder.remove() }
        let collection = try makeCollection()
        let countAtStart = try collection.store.passageCount()
        let writer = Task.detached {
            var added = 0
            while !Task.isCancelled {
                try collection.add(Self.document(added))
                added += 1
                if added % 3 == 0 { try collection.checkpoint() }
            }
            return added
        }
        var infos: [BackupInfo] = []
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(150))
            infos.append(try manager.backup(collection.folder, to: backups))
        }
        writer.cancel()
        let added = try await writer.value
        #expect(added > 0)
        for info in infos {
            #expect(try manager.verify(info.folder).problems == [])
        }
        let last = try #require(infos.last)
        let restored = try manager.restore(last.folder, into: folder.url.appendingPathComponent("fresh"))
        let reopened = try TextCollection.open(folder: restored, encoder: TestModels.e5, logger: Self.logger)
        let count = try reopened.store.passageCount()
        #expect(count >= countAtStart)
        #expect(count == last.manifest.storeRows)
        #expect(reopened.index.count == count)
    }

    @Test func anIndexThatDoesNotMatchItsManifestIsRebuiltInTheBackup() throws {
        defer { folder.remove() }
        let collection = try makeCollection()
        try collection.checkpoint()
        try Data("{}".utf8).write(to: collection.folder.url.appendingPathComponent("index.manifest.json"))
        let info = try manager.backup(collection.folder, to: backups)
        #expect(info.indexRebuilt)
        #expect(try manager.verify(info.folder).problems == [])
        let restored = try manager.restore(info.folder, into: folder.url.appendingPathComponent("fresh"))
        let reopened = try TextCollection.open(folder: restored, encoder: TestModels.e5, logger: Self.logger)
        #expect(reopened.recovery == LiveIndex.Recovery())
        #expect(try vectorIDs(reopened) == vectorIDs(collection))
    }

    @Test func aClosedCollectionIsBackedUp() throws {
        defer { folder.remove() }
        let collectionFolder = try makeCollection().folder
        let info = try manager.backup(collectionFolder, to: backups)
        #expect(info.manifest.storeRows == 4)
        #expect(try manager.verify(info.folder).isValid)
    }

    @Test func imageCollectionsKeepTheirMediaAndThumbnails() throws {
        defer { folder.remove() }
        let images = try ImageCollection.create(name: "products", in: data, encoder: GridColorEncoder(), model: "grid-color", logger: Self.logger)
        let inputs = try (0..<3).map { seed in ImageInput(path: "items/\(seed).png", data: try TestImages.png(seed: UInt64(seed))) }
        #expect(try images.add(inputs).storedCount == 3)
        let info = try manager.backup(images.folder, to: backups)
        #expect(info.manifest.kind == .image && info.manifest.storeRows == 3)
        let paths = info.manifest.files.map(\.path)
        #expect(paths.filter { $0.hasPrefix("media/") } == ["media/items/0.png", "media/items/1.png", "media/items/2.png"])
        #expect(paths.filter { $0.hasPrefix("thumbnails/") }.count == 3)
        #expect(try manager.verify(info.folder).isValid)

        let restored = try manager.restore(info.folder, into: folder.url.appendingPathComponent("fresh"))
        let reopened = try ImageCollection.open(folder: restored, encoder: GridColorEncoder(), logger: Self.logger)
        #expect(try reopened.store.imageCount() == 3)
        #expect(reopened.index.count == 3)
        #expect(try Data(contentsOf: reopened.folder.mediaURL.appendingPathComponent("items/1.png")) == TestImages.png(seed: 1))
    }
}
