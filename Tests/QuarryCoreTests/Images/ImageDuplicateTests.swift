import Embeddings
import Foundation
import Logging
import Testing

@testable import QuarryCore

/// Near-duplicate groups and `duplicateOf` (issue #13), against brute force over the stored vectors.
@Suite struct ImageDuplicateTests {
    /// 150 pictures, and for a third of them a copy a few levels brighter: near duplicates.
    static func collection(in folder: TemporaryFolder, factory: String) throws -> ImageCollection {
        let collection = try ImageCollection.create(
            name: "forum", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", factory: factory, logger: Logger(label: "test")
        )
        var inputs = try (0..<150).map { seed in
            ImageInput(path: "posts/\(seed).png", data: try TestImages.png(seed: UInt64(seed)), category: "c\(seed % 3)")
        }
        for seed in stride(from: 0, to: 150, by: 3) {
            var copy = TestImages.picture(seed: UInt64(seed))
            copy = DecodedImage(width: copy.width, height: copy.height, pixels: copy.pixels.map { $0 > 250 ? $0 : $0 + 5 })
            inputs.append(ImageInput(path: "reposts/\(seed).png", data: try ImageWriter.pngData(copy), category: "c1"))
        }
        _ = try collection.add(inputs)
        return collection
    }

    /// The groups of ids linked by cosine similarity ≥ `threshold` between an image and one of
    /// its ``ImageCollection/duplicateNeighbours`` closest, each sorted, computed pair by pair.
    static func bruteForceGroups(_ collection: ImageCollection, threshold: Double) throws -> Set<[Int64]> {
        let ids = try collection.store.allIDs()
        let vectors = try ids.map { try #require(try collection.store.vector(id: $0)) }
        var sets = DisjointSets(count: ids.count)
        var linked = Set<Int>()
        for first in ids.indices {
            let scored = ids.indices.filter { $0 != first }.map { second in
                (second, Double(zip(vectors[first], vectors[second]).reduce(Float(0)) { $0 + $1.0 * $1.1 }))
            }
            for (second, score) in scored.sorted(by: { $0.1 > $1.1 }).prefix(ImageCollection.duplicateNeighbours) where score >= threshold {
                sets.union(first, second)
                linked.formUnion([first, second])
            }
        }
        let groups = Dictionary(grouping: linked.sorted()) { sets.root(of: $0) }
        return Set(groups.values.map { $0.map { ids[$0] } })
    }

    /// Every index type can list groups: `HNSW32,Flat` has no range search in FAISS 1.7, which
    /// answered the API fuzzer's call with a 500 when groups came from a range search.
    @Test(arguments: ["Flat", "IVF4,Flat", "HNSW32,Flat"])
    func groupsEqualBruteForce(factory: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try Self.collection(in: folder, factory: factory)
        if collection.nlist != nil { try collection.setDefaultNprobe(4) }
        for threshold in [0.97, 0.995, 0.9999] {
            let groups = try collection.duplicateGroups(threshold: threshold)
            let expected = try Self.bruteForceGroups(collection, threshold: threshold)
            #expect(Set(groups.map { $0.images.map(\.id) }) == expected, "\(factory) at \(threshold)")
            #expect(groups.map(\.images.count) == groups.map(\.images.count).sorted(by: >))
            #expect(groups.allSatisfy { $0.lowestScore >= threshold && $0.lowestScore <= $0.highestScore })
        }
        // Every brightened copy is found with its original at the default threshold.
        let groups = try collection.duplicateGroups()
        let paths = Set(groups.map { Set($0.images.map(\.path)) })
        #expect(
            stride(from: 0, to: 150, by: 3).allSatisfy { seed in
                paths.contains { $0.isSuperset(of: ["posts/\(seed).png", "reposts/\(seed).png"]) }
            })
    }

    @Test func searchesNameTheDuplicateEvenWhenTheFilterLeavesItOut() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try Self.collection(in: folder, factory: "Flat")
        let original = try #require(try collection.store.ids(matching: ImageFilter(category: "c0"), limit: 1_000)?.first)
        let image = try #require(try collection.store.image(id: original))
        let query = try #require(try collection.store.vector(id: original))

        let unfiltered = try collection.search(ImageSearchRequest(vector: query, topK: 3))
        #expect(unfiltered.duplicateOf?.image.id == original)
        let filtered = try collection.search(ImageSearchRequest(vector: query, topK: 3, filter: ImageFilter(category: "c2")))
        #expect(filtered.hits.allSatisfy { $0.image.category == "c2" })
        #expect(filtered.duplicateOf?.image.id == original)
        // "More like this" never names the query item itself; its repost, if any, instead.
        let similar = try #require(try collection.similar(to: original, topK: 3))
        #expect(similar.duplicateOf?.image.id != original)
        #expect(similar.duplicateOf.map { $0.image.path == "reposts/" + image.path.dropFirst("posts/".count) } ?? true)

        let stored = try collection.nearestDuplicates(ofStored: [original])
        #expect(stored[original]?.image.path == "reposts/" + image.path.dropFirst("posts/".count))
    }

    /// Groups are computed once per index generation: after an add or a delete they equal those
    /// of the collection opened afresh.
    @Test func groupsFollowAddsAndDeletes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try Self.collection(in: folder, factory: "Flat")
        let fresh = { try ImageCollection.open(folder: collection.folder, encoder: GridColorEncoder(), logger: Logger(label: "test")) }
        let before = try collection.duplicateGroups(threshold: 0.99)
        var copy = TestImages.picture(seed: 1)
        copy = DecodedImage(width: copy.width, height: copy.height, pixels: copy.pixels.map { $0 > 250 ? $0 : $0 + 5 })
        let added = try collection.add([ImageInput(path: "reposts/1.png", data: try ImageWriter.pngData(copy), category: "c1")])
        let afterAdd = try collection.duplicateGroups(threshold: 0.99)
        let reopened = try fresh().duplicateGroups(threshold: 0.99)
        #expect(afterAdd != before && afterAdd == reopened)
        #expect(afterAdd.contains { Set($0.images.map(\.path)).isSuperset(of: ["posts/1.png", "reposts/1.png"]) })
        _ = try collection.delete(ids: added.storedIDs)
        #expect(try collection.duplicateGroups(threshold: 0.99) == before)
    }

    @Test func theThresholdIsKeptInTheCollectionSettings() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try Self.collection(in: folder, factory: "Flat")
        #expect(collection.duplicateThreshold == ImageCollection.defaultDuplicateThreshold)
        try collection.setDuplicateThreshold(0.999)
        let reopened = try ImageCollection.open(folder: collection.folder, encoder: GridColorEncoder(), logger: Logger(label: "test"))
        #expect(reopened.duplicateThreshold == 0.999)
        #expect(try reopened.duplicateGroups().allSatisfy { $0.lowestScore >= 0.999 })
    }
}
