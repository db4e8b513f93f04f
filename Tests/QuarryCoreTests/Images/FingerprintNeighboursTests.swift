import Embeddings
import Foundation
import Logging
import Testing

@testable import QuarryCore

/// The index of fingerprint descriptors follows the store: images added or deleted after the
/// collection opened are found, or no longer found, by the next search.
@Suite struct FingerprintNeighboursTests {
    @Test func followsAddsAndDeletes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try ImageCollection.create(
            name: "neighbours", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", logger: Logger(label: "test"))
        _ = try collection.add(try (0..<5).map { ImageInput(path: "first/\($0).png", data: try TestImages.png(seed: UInt64($0))) })
        func nearest(seed: UInt64) throws -> [Int64] {
            let query = try ImageFingerprint(of: TestImages.picture(seed: seed))
            return try collection.fingerprintNeighbours.nearest(to: query, store: collection.store, generation: collection.index.generation)
        }
        let ids = try collection.store.allIDs()
        #expect(Set(try nearest(seed: 0)) == Set(ids))

        let added = try collection.add([ImageInput(path: "later/9.png", data: try TestImages.png(seed: 9))])
        let newID = try #require(added.storedIDs.first)
        #expect(try nearest(seed: 9).first == newID)

        try collection.delete(ids: [newID, ids[0]])
        let left = try nearest(seed: 9)
        #expect(!left.contains(newID) && !left.contains(ids[0]) && left.count == 4)
    }
}
