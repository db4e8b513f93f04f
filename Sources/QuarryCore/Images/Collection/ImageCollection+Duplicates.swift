import Faiss
import Foundation

extension ImageCollection {
    /// The near-duplicate threshold of collections that set none: the best F1 on changed copies
    /// of openclipart drawings against unrelated ones (`benchmarks/images/duplicate_threshold.py`).
    public static let defaultDuplicateThreshold = 0.8

    /// Neighbours compared per image by ``duplicateGroups(threshold:)`` on an index without range search.
    static let duplicateNeighbours = 64

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
        for id in ids {
            guard let vector = try store.vector(id: id) else { continue }
            duplicates[id] = try nearestDuplicate(of: vector, excluding: id)
        }
        return duplicates
    }

    /// Every group of stored images linked by scores of at least `threshold` (the collection's
    /// own when nil), largest first. Each image is compared with those within the threshold
    /// (a range search over the index, probing the collection's default lists; on an index
    /// type without range search, with its ``duplicateNeighbours`` closest images).
    public func duplicateGroups(threshold: Double? = nil) throws -> [DuplicateGroup] {
        let threshold = threshold ?? duplicateThreshold
        let faissIndex = index.current
        let ids = try store.allIDs()
        let positions = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($0.element, $0.offset) })
        var groups = DisjointSets(count: ids.count)
        // Per image, the lowest and highest score of its links: memory stays linear however
        // many pairs a low threshold links.
        var lowest = [Double](repeating: .infinity, count: ids.count)
        var highest = [Double](repeating: -.infinity, count: ids.count)
        try store.forEachVectorBatch(ids: nil, batchSize: 64) { batchIDs, vectors in
            let queries = try Matrix(rows: batchIDs.count, columns: store.dimension, storage: vectors)
            let parameters = SearchParameters(nprobe: defaultNprobe)
            let found: [[Neighbor]]
            do {
                found = try faissIndex.rangeSearch(queries, radius: Float(threshold), parameters: parameters)
            } catch {
                // Index types without range search (HNSW in FAISS 1.7): each image's closest ones.
                let results = try faissIndex.search(queries, k: min(Self.duplicateNeighbours, faissIndex.count), parameters: parameters)
                found = (0..<results.count).map { results[$0] }
            }
            for (queryID, neighbours) in zip(batchIDs, found) {
                guard let first = positions[queryID] else { continue }
                for neighbour in neighbours where neighbour.id > queryID && Double(neighbour.distance) >= threshold {
                    guard let second = positions[neighbour.id] else { continue }
                    let score = Double(neighbour.distance)
                    groups.union(first, second)
                    for position in [first, second] {
                        lowest[position] = min(lowest[position], score)
                        highest[position] = max(highest[position], score)
                    }
                }
            }
        }
        var members: [Int: [Int64]] = [:]
        var scores: [Int: (lowest: Double, highest: Double)] = [:]
        for (position, id) in ids.enumerated() where lowest[position].isFinite {
            let root = groups.root(of: position)
            members[root, default: []].append(id)
            let known = scores[root] ?? (lowest[position], highest[position])
            scores[root] = (min(known.lowest, lowest[position]), max(known.highest, highest[position]))
        }
        let images = try store.images(ids: members.values.flatMap { $0 })
        return members.map { root, ids in
            DuplicateGroup(images: ids.compactMap { images[$0] }, lowestScore: scores[root]!.lowest, highestScore: scores[root]!.highest)
        }
        .sorted { first, second in
            first.images.count == second.images.count ? first.images[0].id < second.images[0].id : first.images.count > second.images.count
        }
    }
}
