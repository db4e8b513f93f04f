/// The k nearest neighbours of each query of a batched search, best first.
/// A query with fewer than k neighbours in the index has a shorter list.
public struct SearchResults: Sendable, Equatable {
    /// Number of queries.
    public let count: Int
    /// Neighbours requested per query.
    public let k: Int
    /// `count × k` ids, row per query; -1 marks a missing neighbour.
    public let ids: [Int64]
    /// `count × k` distances matching `ids`.
    public let distances: [Float]

    /// The neighbours of query `query`, best first.
    public subscript(query: Int) -> [Neighbor] {
        var neighbors: [Neighbor] = []
        neighbors.reserveCapacity(k)
        for column in 0..<k {
            let offset = query * k + column
            let id = ids[offset]
            if id >= 0 { neighbors.append(Neighbor(id: id, distance: distances[offset])) }
        }
        return neighbors
    }
}

extension SearchResults: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
}
