import Foundation
import Logging
import Testing

@testable import QuarryCore

/// Filtered image searches return min(top_k, matching) images, for filters matching from one
/// image to all, on both paths: exact ranking of the matching set, and filtering the IVF
/// index's candidates. On 10,000 Fashion-MNIST images, `category=Bag&price_min=100&
/// price_max=300` returned 0 of 110 matching when filters were applied after the IVF
/// candidates were chosen (issue #13).
@Suite struct ImageFilterSearchTests {
    static let count: UInt64 = 600

    /// An IVF collection (8 lists) of 600 small pictures priced 0, 1, 2, …, in five categories.
    static func collection(in folder: TemporaryFolder) throws -> ImageCollection {
        let collection = try ImageCollection.create(
            name: "shop", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", factory: "IVF8,Flat",
            logger: Logger(label: "test")
        )
        let inputs = try (0..<count).map { seed in
            ImageInput(path: "items/\(seed).png", data: try TestImages.png(seed: seed), category: "c\(seed % 5)", price: Double(seed))
        }
        for batch in stride(from: 0, to: inputs.count, by: 100) {
            _ = try collection.add(Array(inputs[batch..<min(batch + 100, inputs.count)]))
        }
        #expect(collection.index.count == Int(count) && collection.nlist == 8)
        return collection
    }

    /// The ids of the `k` stored images that pass `filter`, closest to `query` first (brute force).
    static func bruteForce(_ collection: ImageCollection, _ query: [Float], _ filter: ImageFilter, k: Int) throws -> [Int64] {
        let ids = try collection.store.allIDs()
        let images = try collection.store.images(ids: ids)
        var scored: [(id: Int64, score: Float)] = []
        for id in ids where filter.matches(images[id]!) {
            let vector = try #require(try collection.store.vector(id: id))
            scored.append((id, zip(vector, query).reduce(0) { $0 + $1.0 * $1.1 }))
        }
        return scored.sorted { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }.prefix(k).map(\.id)
    }

    static let filters: [(filter: ImageFilter, matching: Int)] = [
        (ImageFilter(priceMin: 7, priceMax: 7), 1),
        (ImageFilter(category: "c3", priceMin: 0, priceMax: 20), 4),
        (ImageFilter(priceMin: 100, priceMax: 118), 19),
        (ImageFilter(category: "c1"), 120),
        (ImageFilter(category: "c2", priceMin: 300), 60),
        (ImageFilter(priceMin: 0, priceMax: 599), 600),
    ]

    @Test func everyFilterSizeGetsMinOfTopKAndMatchingOnBothPaths() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try Self.collection(in: folder)
        for seed: UInt64 in [3, 250, 599] {
            let query = try collection.queryVector(imageData: TestImages.png(seed: seed + 1_000))
            for (filter, matching) in Self.filters {
                for topK in [1, 10, 50] {
                    let expected = try Self.bruteForce(collection, query, filter, k: topK)
                    #expect(expected.count == min(topK, matching))
                    var exact = ImageSearchRequest(vector: query, topK: topK, nprobe: 1, filter: filter)
                    let exactHits = try collection.search(exact).hits
                    #expect(exactHits.map(\.image.id) == expected, "exact path, \(filter), top \(topK)")
                    // The index path, from a single probed list: as many answers, all passing the filter.
                    exact.exactRankingLimit = 0
                    let indexHits = try collection.search(exact).hits
                    #expect(indexHits.count == min(topK, matching), "index path, \(filter), top \(topK)")
                    #expect(indexHits.allSatisfy { filter.matches($0.image) })
                    #expect(Set(indexHits.map(\.image.id)).count == indexHits.count)
                }
            }
        }
    }
}
