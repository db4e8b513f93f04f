import Foundation
import Testing

@testable import QuarryCore

@Suite struct CollectionSettingsTests {
    func configuration() -> CollectionConfiguration {
        CollectionConfiguration(name: "notes", kind: .text, model: "e5-small", dimension: 4, factory: "Flat")
    }

    @Test func anUpdateIsWrittenToCollectionJSON() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = CollectionFolder(dataDirectory: directory, name: "notes")
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        let settings = CollectionSettings(configuration(), in: folder)
        try settings.update { $0.searchDefaults.nprobe = 12 }
        #expect(settings.current.searchDefaults.nprobe == 12)
        #expect(try folder.readConfiguration(expecting: .text, dimension: 4, model: "e5-small").searchDefaults.nprobe == 12)
    }

    /// A collection whose `collection.json` cannot be written keeps the settings it has on disk.
    @Test func aFailedWriteLeavesTheSettingsUnchanged() {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("settings-missing-\(UUID().uuidString)")
        let settings = CollectionSettings(configuration(), in: CollectionFolder(url: missing))
        #expect(throws: (any Error).self) { try settings.update { $0.factory = "HNSW32,Flat" } }
        #expect(settings.current.factory == "Flat")
    }
}
