import Embeddings
import Foundation
import GRDB
import Logging
import Testing

@testable import QuarryCore

/// Near ties at the top of an image search are ordered by the query's fingerprint (issue #13:
/// on openclipart, variants of one drawing and mirrored twins took rank 1 from the original).
@Suite struct NearTieOrderingTests {
    /// One of two twins the grid-colour encoder cannot tell apart: one colour per 16-pixel cell,
    /// and in the middle a 16-pixel patch striped across (rows) or down (columns), 4 pixels on
    /// and 4 off, so that every cell of the whole image and of its 90 % centre crop has the
    /// same mean in both.
    static func striped(across: Bool) -> DecodedImage {
        let side = 64
        var pixels: [UInt8] = []
        for y in 0..<side {
            for x in 0..<side {
                let inPatch = (24..<40).contains(x) && (24..<40).contains(y)
                let stripe = inPatch ? (((across ? y : x) / 4) % 2 == 0 ? 40 : -40) : 0
                let colour = [60 + 30 * (x / 16), 70 + 25 * (y / 16), 150]
                pixels += colour.map { UInt8($0 + stripe) }
            }
        }
        return DecodedImage(width: side, height: side, pixels: pixels)
    }

    /// A copy a few levels brighter, as a re-saved upload might be: not the stored bytes.
    static func brightened(_ image: DecodedImage) -> DecodedImage {
        DecodedImage(width: image.width, height: image.height, pixels: image.pixels.map { $0 + 4 })
    }

    static func collection(in folder: TemporaryFolder) throws -> ImageCollection {
        let collection = try ImageCollection.create(
            name: "twins", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", logger: Logger(label: "test"))
        var inputs = [
            ImageInput(path: "twins/across.png", data: try ImageWriter.pngData(striped(across: true))),
            ImageInput(path: "twins/down.png", data: try ImageWriter.pngData(striped(across: false))),
        ]
        inputs += try (0..<20).map { ImageInput(path: "others/\($0).png", data: try TestImages.png(seed: UInt64($0))) }
        _ = try collection.add(inputs)
        return collection
    }

    /// The paths of the top `topK` answers to a brightened copy of each twin.
    static func answers(_ collection: ImageCollection, topK: Int = 2) throws -> [[String]] {
        try [true, false].map { across in
            let upload = try ImageWriter.pngData(brightened(striped(across: across)))
            return try collection.search(imageData: upload, topK: topK, nprobe: nil, filter: .init(), threads: 1).hits.map(\.image.path)
        }
    }

    @Test func anUploadFindsTheTwinItShowsFirst() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try Self.collection(in: folder)
        #expect(try Self.answers(collection) == [["twins/across.png", "twins/down.png"], ["twins/down.png", "twins/across.png"]])

        // The embedding alone ties them: without a fingerprint one order serves both uploads.
        let upload = try ImageWriter.pngData(Self.brightened(Self.striped(across: false)))
        let vector = try collection.queryVector(imageData: upload)
        let unordered = try collection.search(ImageSearchRequest(vector: vector, topK: 2)).hits
        #expect(Set(unordered.map(\.image.path)) == ["twins/across.png", "twins/down.png"])
        #expect(unordered.count == 2 && abs(unordered[0].score - unordered[1].score) < 1e-6)
    }

    /// Candidates beyond the window keep the embedding's order, and a filtered search orders
    /// its near ties too.
    @Test func onlyTheNearTiesMove() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try Self.collection(in: folder)
        let upload = try ImageWriter.pngData(Self.brightened(Self.striped(across: false)))
        let hits = try collection.search(imageData: upload, topK: 22, nprobe: nil, filter: .init(), threads: 1).hits
        #expect(hits.count == 22)
        let best = try #require(hits.first?.score)
        let beyond = hits.drop { $0.score >= best - NearTieOrdering.window }
        #expect(!beyond.isEmpty && zip(beyond, beyond.dropFirst()).allSatisfy { $0.score >= $1.score })

        let filtered = try collection.search(imageData: upload, topK: 2, nprobe: nil, filter: ImageFilter(category: ""), threads: 1)
        #expect(filtered.hits.map(\.image.path) == ["twins/down.png", "twins/across.png"])
    }

    /// An upload's search reports the time of each step before the index (the metrics' stages);
    /// the bytes of a stored file are neither decoded nor embedded again.
    @Test func anUploadsTimingsNameDecodingEmbeddingAndFingerprint() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try Self.collection(in: folder)
        let upload = try ImageWriter.pngData(Self.brightened(Self.striped(across: true)))
        let fresh = try collection.search(imageData: upload, topK: 2, nprobe: nil, filter: .init(), threads: 1).timings
        #expect(Set(["decode", "embed", "fingerprint", "vector", "metadata", "near ties"]).isSubset(of: fresh.keys))
        let stored = try ImageWriter.pngData(Self.striped(across: true))
        let known = try collection.search(imageData: stored, topK: 2, nprobe: nil, filter: .init(), threads: 1).timings
        #expect(known["decode"] == nil && known["embed"] == nil && known["vector"] != nil)
    }

    /// A copy whose embedding lands far from its original's, beyond the window of near ties
    /// (here a copy with a quarter of the contrast, which the grid-colour encoder sees as another
    /// colour), still finds it first: the original's fingerprint is among those nearest the
    /// query's (``FingerprintNeighbours``), and its match outweighs the embedding's lead of
    /// decoys that share the copy's colours but none of its shapes.
    @Test func aLookalikeBeyondTheWindowComesFirst() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try ImageCollection.create(
            name: "lookalikes", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", logger: Logger(label: "test"))
        let side = 64
        func image(_ value: (_ x: Int, _ y: Int) -> Int) -> DecodedImage {
            DecodedImage(
                width: side, height: side,
                pixels: (0..<side).flatMap { y in (0..<side).flatMap { x in [UInt8](repeating: UInt8(value(x, y)), count: 3) } })
        }
        let original = image { x, y in abs(x - y) < 3 ? 0 : x < side / 2 ? 40 : 216 }
        var generator = SplitMix64(seed: 7)
        var inputs = [ImageInput(path: "drawings/original.png", data: try ImageWriter.pngData(original))]
        for decoy in 0..<25 {
            let noise = (0..<side * side).map { _ in Int.random(in: -6...6, using: &generator) }
            inputs.append(ImageInput(path: "decoys/\(decoy).png", data: try ImageWriter.pngData(image { x, y in 182 + noise[y * side + x] })))
        }
        _ = try collection.add(inputs)

        let copy = DecodedImage(width: side, height: side, pixels: original.pixels.map { $0 / 4 + 150 })
        let upload = try ImageWriter.pngData(copy)
        let hits = try collection.search(imageData: upload, topK: 26, nprobe: nil, filter: .init(), threads: 1).hits
        #expect(hits.first?.image.path == "drawings/original.png")
        #expect(hits.count == 26)
        // By the embedding alone the original is last, far beyond the window.
        let vector = try collection.queryVector(imageData: upload)
        let unordered = try collection.search(ImageSearchRequest(vector: vector, topK: 26)).hits
        #expect(unordered.last?.image.path == "drawings/original.png")
        #expect(try #require(unordered.last?.score) < unordered[0].score - NearTieOrdering.window)
    }

    /// A collection stored before fingerprints existed gets them when it opens.
    @Test func openingFillsInMissingFingerprints() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try Self.collection(in: folder)
        let ids = try collection.store.allIDs()
        try DatabaseQueue(path: collection.folder.storeURL.path).write { try $0.execute(sql: "UPDATE images SET fingerprint = NULL") }
        #expect(try collection.store.fingerprints(ids: ids).isEmpty)

        let reopened = try ImageCollection.open(folder: collection.folder, encoder: GridColorEncoder(), logger: Logger(label: "test"))
        #expect(try reopened.store.fingerprints(ids: ids).count == ids.count)
        #expect(try Self.answers(reopened) == [["twins/across.png", "twins/down.png"], ["twins/down.png", "twins/across.png"]])
    }

    /// A collection whose fingerprints have the former form (32 × 32, squeezed to a square) gets
    /// new ones when it opens, rather than keeping fingerprints no search can read.
    @Test func openingReplacesFingerprintsOfTheFormerForm() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try Self.collection(in: folder)
        let ids = try collection.store.allIDs()
        try DatabaseQueue(path: collection.folder.storeURL.path).write { db in
            try db.execute(sql: "UPDATE images SET fingerprint = zeroblob(3072)")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v4:%'")
        }
        #expect(try collection.store.fingerprints(ids: ids).isEmpty)

        let reopened = try ImageCollection.open(folder: collection.folder, encoder: GridColorEncoder(), logger: Logger(label: "test"))
        #expect(try reopened.store.fingerprints(ids: ids).count == ids.count)
        #expect(try Self.answers(reopened) == [["twins/across.png", "twins/down.png"], ["twins/down.png", "twins/across.png"]])
    }
}
