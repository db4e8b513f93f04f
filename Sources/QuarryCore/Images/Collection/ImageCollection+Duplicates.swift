import Faiss
import Foundation

extension ImageCollection {
    /// The near-duplicate threshold of collections that set none: the best F1 on changed copies
    /// of openclipart drawings against unrelated ones (`benchmarks/images/duplicate_threshold.py`).
    public static let defaultDuplicateThreshold = 0.8

    /// The thresholds a collection or a request may set: below 0.5 nearly every pair of images
    /// would count as near duplicates.
    public static let duplicateThresholdRange = 0.5...1.0

    /// Closest images each image is compared with by ``duplicateGroups(threshold:)``.
    public static let duplicateNeighbours = 32

    /// The score from which an image counts as a near duplicate of a stored one.
    public var duplicateThreshold: Double {
        configuration.duplicateThreshold ?? Self.defaultDuplicateThreshold
    }

    /// Stores `threshold` as the collection's near-duplicate threshold (in `collection.json`).
    public func setDuplicateThreshold(_ threshold: Double) throws {
        try updateConfiguration { $0.duplicateThreshold = threshold }
    }

    /// The stored image that the image embedded as `vector` nearly duplicates (its closest,
    /// other than `excluding`, when it scores at least ``duplicateThreshold``), or nil.
    public func nearestDuplicate(of vector: [Float], excluding: Int64? = nil) throws -> ImageSearchHit? {
        let neighbours = try index.current.search(vector, k: excluding == nil ? 1 : 2, parameters: SearchParameters(nprobe: defaultNprobe))
        guard let closest = neighbours.first(where: { $0.id != excluding }), Double(closest.distance) >= duplicateThreshold,
            let image = try store.image(id: closest.id)
        else { return nil }
        return ImageSearchHit(rank: 1, image: image, score: Double(closest.distance))
    }

    /// The stored images that nearly duplicate stored images `ids`, by id (those with none left out).
    public func nearestDuplicates(ofStored ids: [Int64]) throws -> [Int64: ImageSearchHit] {
        var duplicates: [Int64: ImageSearchHit] = [:]
        try store.forEachVectorBatch(ids: ids, batchSize: 256) { batchIDs, vectors in
            for (row, id) in batchIDs.enumerated() {
                let vector = Array(vectors[row * store.dimension..<(row + 1) * store.dimension])
                duplicates[id] = try nearestDuplicate(of: vector, excluding: id)
            }
        }
        return duplicates
    }

    /// Every group of stored images linked by scores of at least `threshold` (the collection's
    /// own when nil), largest first. Each image is compared with its ``duplicateNeighbours``
    /// closest images (searching the index with the collection's default nprobe); the search
    /// is done once per index generation, so later calls at any threshold are cheap.
    public func duplicateGroups(threshold: Double? = nil) throws -> [DuplicateGroup] {
        let threshold = threshold ?? duplicateThreshold
        let graph = try neighbourGraph.withLock { cached in
            let generation = index.generation
            if let cached, cached.generation == generation { return cached }
            let built = try NeighbourGraph.build(
                index: index.current, store: store, neighbours: Self.duplicateNeighbours, nprobe: defaultNprobe,
                generation: generation
            )
            cached = built
            return built
        }
        let groups = graph.groups(threshold: threshold)
        let images = try store.images(ids: groups.flatMap(\.ids))
        return groups.map { group in
            DuplicateGroup(images: group.ids.compactMap { images[$0] }, lowestScore: group.lowest, highestScore: group.highest)
        }
        .sorted { first, second in
            first.images.count == second.images.count ? first.images[0].id < second.images[0].id : first.images.count > second.images.count
        }
    }
}
