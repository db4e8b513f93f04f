import Faiss

/// Ranks a few stored vectors against a query exactly, in the order the collection's metric
/// gives: the vector search of a filter that matches few items, which an approximate index
/// (IVF lists not probed, HNSW candidates cut short) or a cut-off candidate list could miss.
enum ExactRanking {
    /// Most items a filter may match for its search to rank them exactly; past it, the index's
    /// candidates are filtered instead.
    static let maximumItems = 20_000

    /// The `k` vectors of `ids` in `source` closest to `query`, best first.
    static func top(_ k: Int, of query: [Float], among ids: [Int64], in source: any VectorSource, metric: Metric) throws -> [Neighbor] {
        var neighbours: [Neighbor] = []
        neighbours.reserveCapacity(ids.count)
        let dimension = source.dimension
        try source.forEachVectorBatch(ids: ids, batchSize: 1_024) { batchIDs, vectors in
            for (offset, id) in batchIDs.enumerated() {
                let start = offset * dimension
                var value: Float = 0
                for component in 0..<dimension {
                    let stored = vectors[start + component]
                    switch metric {
                    case .innerProduct: value += stored * query[component]
                    case .l2: value += (stored - query[component]) * (stored - query[component])
                    }
                }
                neighbours.append(Neighbor(id: id, distance: value))
            }
        }
        let closerFirst: (Neighbor, Neighbor) -> Bool =
            switch metric {
            case .innerProduct: { $0.distance > $1.distance || ($0.distance == $1.distance && $0.id < $1.id) }
            case .l2: { $0.distance < $1.distance || ($0.distance == $1.distance && $0.id < $1.id) }
            }
        return Array(neighbours.sorted(by: closerFirst).prefix(k))
    }
}
