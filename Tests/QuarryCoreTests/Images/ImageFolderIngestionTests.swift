import Foundation
import Logging
import Testing

@testable import QuarryCore

@Suite struct ImageFolderIngestionTests {
    @Test func foldersGiveCategoriesMetadataOverridesAndBadFilesAreSkipped() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = folder.url.appendingPathComponent("photos")
        for (path, seed) in [("shoes/a.png", 1), ("shoes/b.png", 2), ("bags/red/c.png", 3), ("top.png", 4)] {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try TestImages.png(seed: UInt64(seed)).write(to: url)
        }
        try Data("not a picture".utf8).write(to: root.appendingPathComponent("shoes/broken.jpg"))
        try Data("notes".utf8).write(to: root.appendingPathComponent("shoes/readme.txt"))
        try Data("hidden".utf8).write(to: root.appendingPathComponent(".hidden.png"))
        let metadataURL = folder.url.appendingPathComponent("items.csv")
        try Data("path,category,price,title,colour\nshoes/b.png,boots,59.5,Winter boot,brown\n".utf8).write(to: metadataURL)

        let files = ImageFolder.files(in: root)
        #expect(files.map(\.path) == ["bags/red/c.png", "shoes/a.png", "shoes/b.png", "shoes/broken.jpg", "top.png"])
        let records = try ImageMetadataFile.read(contentsOf: metadataURL)
        let collection = try ImageCollection.create(
            name: "photos", in: folder.url.appendingPathComponent("data"), encoder: GridColorEncoder(), model: "grid-color",
            logger: Logger(label: "test")
        )
        var reported: [Int] = []
        let summary = try ImageIngestor(batchSize: 2).ingest(
            count: files.count, into: collection, progress: { reported.append($0.completed) },
            input: { position in try ImageFolder.input(url: files[position].url, path: files[position].path, record: records[files[position].path]) }
        )
        #expect(summary.files == 5 && summary.stored == 4 && summary.failures.map(\.source) == ["shoes/broken.jpg"])
        #expect(summary.factory == "Flat")
        #expect(reported == [2, 4, 5])
        let stored = try collection.store.images(ids: try collection.store.allIDs()).values.sorted { $0.path < $1.path }
        #expect(stored.map(\.category) == ["red", "shoes", "boots", ""])
        #expect(stored[2].price == 59.5 && stored[2].title == "Winter boot" && stored[2].metadata["colour"] == .string("brown"))
        #expect(stored[1].title == "a" && stored[1].price == nil)

        let again = try ImageIngestor().ingest(count: files.count, into: collection) { position in
            try ImageFolder.input(url: files[position].url, path: files[position].path, record: records[files[position].path])
        }
        #expect(again.unchanged == 4 && again.stored == 0 && collection.index.count == 4)
    }

    /// Links inside the folder were skipped without a word (issue #13): now a linked file and a
    /// linked folder are read, identical content is stored once and reported as a duplicate,
    /// a broken link is a failure with its path, and a link cycle ends.
    @Test func symbolicLinksAreFollowedAndDuplicatesReported() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = folder.url.appendingPathComponent("photos")
        let outside = folder.url.appendingPathComponent("elsewhere")
        let files = FileManager.default
        for (url, seed) in [(root.appendingPathComponent("animals/birds/owl.png"), 1), (outside.appendingPathComponent("fox.png"), 2)] {
            try files.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try TestImages.png(seed: UInt64(seed)).write(to: url)
        }
        try files.createSymbolicLink(
            atPath: root.appendingPathComponent("animals/owl-again.png").path,
            withDestinationPath: root.appendingPathComponent("animals/birds/owl.png").path)
        try files.createSymbolicLink(atPath: root.appendingPathComponent("animals/mammals").path, withDestinationPath: outside.path)
        try files.createSymbolicLink(atPath: root.appendingPathComponent("animals/birds/loop").path, withDestinationPath: root.path)
        try files.createSymbolicLink(atPath: root.appendingPathComponent("gone.png").path, withDestinationPath: "/nonexistent/gone.png")

        let found = ImageFolder.files(in: root)
        #expect(found.map(\.path) == ["animals/birds/owl.png", "animals/mammals/fox.png", "animals/owl-again.png", "gone.png"])
        #expect(ImageFolder.category(ofPath: "animals/birds/owl.png", from: .parent) == "birds")
        #expect(ImageFolder.category(ofPath: "animals/birds/owl.png", from: .top) == "animals")
        #expect(ImageFolder.category(ofPath: "animals/birds/owl.png", from: .path) == "animals/birds")
        #expect(ImageFolder.category(ofPath: "owl.png", from: .path) == "")

        let collection = try ImageCollection.create(
            name: "photos", in: folder.url.appendingPathComponent("data"), encoder: GridColorEncoder(), model: "grid-color",
            logger: Logger(label: "test")
        )
        let ingest = {
            try ImageIngestor().ingest(count: found.count, into: collection) { position in
                try ImageFolder.input(url: found[position].url, path: found[position].path, record: nil, categoryFrom: .top)
            }
        }
        let summary = try ingest()
        #expect(summary.stored == 2 && collection.index.count == 2)
        #expect(
            summary.records == [
                ImageIngestRecord(path: "animals/birds/owl.png", status: .stored),
                ImageIngestRecord(path: "animals/mammals/fox.png", status: .stored),
                ImageIngestRecord(path: "animals/owl-again.png", status: .duplicate, duplicateOf: "animals/birds/owl.png"),
                ImageIngestRecord(path: "gone.png", status: .failed, reason: summary.failures.first?.reason),
            ])
        #expect(summary.failures.map(\.source) == ["gone.png"])
        let stored = try collection.store.images(ids: try collection.store.allIDs()).values.map(\.category)
        #expect(stored == ["animals", "animals"])
        let again = try ingest()
        #expect(again.records.map(\.status) == [.unchanged, .unchanged, .duplicate, .failed])
    }

    /// Ingesting the decoding conformance corpus (Tests/EmbeddingsTests/Fixtures/conformance): every
    /// format and variant is stored, and every broken or refused file is reported with its reason.
    @Test func everyConformanceFileIsStoredOrReportedWithItsReason() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("EmbeddingsTests/Fixtures/conformance")
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: corpus.appendingPathComponent("manifest.json"))) as? [String: Any]
        )
        let entries = try #require(manifest["entries"] as? [[String: Any]])
        let accepted = Set(entries.filter { $0["pixels"] != nil }.compactMap { $0["file"] as? String })
        let refused = Set(entries.filter { $0["pixels"] == nil }.compactMap { $0["file"] as? String })
        #expect(accepted.count == 52 && refused.count == 8)

        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let files = ImageFolder.files(in: corpus)
        let collection = try ImageCollection.create(
            name: "formats", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", logger: Logger(label: "test")
        )
        let summary = try ImageIngestor().ingest(count: files.count, into: collection) { position in
            try ImageFolder.input(url: files[position].url, path: files[position].path, record: nil)
        }
        let stored = Set(summary.records.filter { $0.status == .stored }.map(\.path))
        let failed = summary.records.filter { $0.status == .failed }
        #expect(stored == accepted)
        #expect(Set(failed.map(\.path)) == refused)
        #expect(failed.allSatisfy { !($0.reason ?? "").isEmpty })
        #expect(collection.index.count == accepted.count)
    }
}
