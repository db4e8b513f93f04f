import Foundation
import Logging
import Testing

@testable import QuarryCore

/// A corrupt or truncated index file at start-up: Quarry starts from the newest
/// valid backup's index and replays newer rows, or rebuilds from the store.
@Suite struct IndexFallbackTests {
    static let logger = Logger(label: "test")

    func makeCollection(in data: URL) throws -> ImageCollection {
        let collection = try ImageCollection.create(name: "shop", in: data, encoder: GridColorEncoder(), model: "grid-color", logger: Self.logger)
        _ = try collection.add((0..<30).map { ImageInput(path: "\($0).png", data: try TestImages.png(seed: UInt64($0)), title: "item \($0)") })
        try collection.checkpoint()
        return collection
    }

    func reopen(_ collection: ImageCollection) throws -> ImageCollection {
        try ImageCollection.open(folder: collection.folder, encoder: GridColorEncoder(), logger: Self.logger)
    }

    func searchFindsEveryItem(_ collection: ImageCollection, count: Int) throws {
        for seed in [0, 17, count - 1] {
            let query = try collection.queryVector(imageData: TestImages.png(seed: UInt64(seed)))
            #expect(try collection.search(ImageSearchRequest(vector: query, topK: 1)).hits.first?.image.title == "item \(seed)")
        }
    }

    @Test(arguments: ["corrupt", "truncated"])
    func anUnusableIndexFallsBackToTheNewestValidBackup(damage: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try makeCollection(in: folder.url)
        let backup = try BackupManager().backup(collection.folder, to: BackupManager.defaultBackupsRoot(for: folder.url))
        _ = try collection.add((30..<35).map { ImageInput(path: "\($0).png", data: try TestImages.png(seed: UInt64($0)), title: "item \($0)") })
        try collection.checkpoint()

        let indexURL = collection.folder.url.appendingPathComponent("index.faiss")
        var bytes = try Data(contentsOf: indexURL)
        if damage == "corrupt" {
            for offset in stride(from: bytes.count / 2, to: bytes.count / 2 + 64, by: 1) { bytes[offset] ^= 0xFF }
        } else {
            bytes = bytes.prefix(bytes.count / 3)
        }
        try bytes.write(to: indexURL)

        let recovered = try reopen(collection)
        #expect(recovered.recovery.fellBack)
        #expect(recovered.recovery.restoredFromBackup?.standardizedFileURL == backup.folder.standardizedFileURL)
        #expect(recovered.recovery.replayed == 5 && !recovered.recovery.rebuilt)
        #expect(recovered.index.count == 35)
        try searchFindsEveryItem(recovered, count: 35)
        // The repaired index was checkpointed: the next start needs nothing.
        #expect(!(try reopen(collection)).recovery.changedIndex)
    }

    @Test func withoutABackupTheIndexIsRebuiltFromTheStore() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try makeCollection(in: folder.url)
        try Data(repeating: 0x42, count: 100).write(to: collection.folder.url.appendingPathComponent("index.faiss"))
        let recovered = try reopen(collection)
        #expect(recovered.recovery.rebuilt && recovered.recovery.restoredFromBackup == nil)
        #expect(recovered.index.count == 30)
        try searchFindsEveryItem(recovered, count: 30)
    }
}
