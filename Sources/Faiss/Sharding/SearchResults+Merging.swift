extension SearchResults {
    /// The `k` best neighbours of each query among several results for the same
    /// queries and `k` (one per shard, each best first). Slots left empty hold
    /// id -1 and the metric's worst finite distance, as FAISS fills them.
    init(merging parts: [SearchResults], metric: Metric) {
        let count = parts[0].count
        let k = parts[0].k
        var ids = [Int64](repeating: -1, count: count * k)
        var distances = [Float](repeating: metric.missingDistance, count: count * k)
        var cursors = [Int](repeating: 0, count: parts.count)
        for query in 0..<count {
            let row = query * k
            for part in parts.indices { cursors[part] = 0 }
            for column in 0..<k {
                var best: (part: Int, distance: Float)?
                for (position, part) in parts.enumerated() {
                    while cursors[position] < k, part.ids[row + cursors[position]] < 0 { cursors[position] += 1 }
                    guard cursors[position] < k else { continue }
                    let distance = part.distances[row + cursors[position]]
                    if let current = best, !metric.ranks(distance, before: current.distance) { continue }
                    best = (position, distance)
                }
                guard let best else { break }
                ids[row + column] = parts[best.part].ids[row + cursors[best.part]]
                distances[row + column] = best.distance
                cursors[best.part] += 1
            }
        }
        self.init(count: count, k: k, ids: ids, distances: distances)
    }
}

extension Metric {
    /// Whether distance `a` is strictly closer than `b`.
    fileprivate func ranks(_ a: Float, before b: Float) -> Bool {
        self == .innerProduct ? a > b : a < b
    }

    /// The distance FAISS gives a missing neighbour.
    fileprivate var missingDistance: Float {
        self == .innerProduct ? -.greatestFiniteMagnitude : .greatestFiniteMagnitude
    }
}
