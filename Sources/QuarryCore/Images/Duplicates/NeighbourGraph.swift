import Faiss

/// Each stored image's closest other images with their scores, computed once per index
/// generation: near-duplicate groups at any threshold come from it without searching again.
struct NeighbourGraph: Sendable {
    /// An image and one of its closest, by position in ``ids``.
    struct Edge: Sendable {
        let first: Int32
        let second: Int32
        let score: Float
    }

    /// The index generation the graph was computed from.
    let generation: Int
    /// Every stored id, ascending.
    let ids: [Int64]
    let edges: [Edge]

    /// Searches `index` with every vector of `store` for its `neighbours` closest other images.
    static func build(
        index: Faiss.Index, store: ImageStore, neighbours: Int, nprobe: Int?, generation: Int
    ) throws -> NeighbourGraph {
        let ids = try store.allIDs()
        let positions = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($0.element, Int32($0.offset)) })
        var edges: [Edge] = []
        edges.reserveCapacity(ids.count * neighbours)
        let k = min(neighbours + 1, max(index.count, 1))
        try store.forEachVectorBatch(ids: nil, batchSize: 256) { batchIDs, vectors in
            let queries = try Matrix(rows: batchIDs.count, columns: store.dimension, storage: vectors)
            let results = try index.search(queries, k: k, parameters: SearchParameters(nprobe: nprobe))
            for (row, queryID) in batchIDs.enumerated() {
                guard let first = positions[queryID] else { continue }
                for neighbour in results[row] where neighbour.id != queryID {
                    guard let second = positions[neighbour.id] else { continue }
                    edges.append(Edge(first: first, second: second, score: neighbour.distance))
                }
            }
        }
        return NeighbourGraph(generation: generation, ids: ids, edges: edges)
    }

    /// The groups of images linked by edges scoring at least `threshold`: each group's ids
    /// (ascending) and the lowest and highest score of its links.
    func groups(threshold: Double) -> [(ids: [Int64], lowest: Double, highest: Double)] {
        var sets = DisjointSets(count: ids.count)
        var lowest = [Double](repeating: .infinity, count: ids.count)
        var highest = [Double](repeating: -.infinity, count: ids.count)
        for edge in edges where Double(edge.score) >= threshold {
            let (first, second, score) = (Int(edge.first), Int(edge.second), Double(edge.score))
            sets.union(first, second)
            for position in [first, second] {
                lowest[position] = min(lowest[position], score)
                highest[position] = max(highest[position], score)
            }
        }
        var members: [Int: [Int64]] = [:]
        var scores: [Int: (lowest: Double, highest: Double)] = [:]
        for (position, id) in ids.enumerated() where lowest[position].isFinite {
            let root = sets.root(of: position)
            members[root, default: []].append(id)
            let known = scores[root] ?? (lowest[position], highest[position])
            scores[root] = (min(known.lowest, lowest[position]), max(known.highest, highest[position]))
        }
        return members.map { root, ids in (ids, scores[root]!.lowest, scores[root]!.highest) }
    }
}
