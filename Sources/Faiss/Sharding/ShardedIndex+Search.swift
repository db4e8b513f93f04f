extension ShardedIndex {
    /// The `k` nearest neighbours of one query vector over all shards, best first.
    public func search(_ query: [Float], k: Int, parameters: SearchParameters = .default) throws(FaissError) -> [Neighbor] {
        guard query.count == dimension else {
            throw .dimensionMismatch(expected: dimension, actual: query.count)
        }
        return try search(Matrix(rows: 1, columns: dimension, storage: query), k: k, parameters: parameters)[0]
    }

    /// The `k` nearest neighbours of each row of `queries` over all shards, best
    /// first. Every shard is searched at once; `parameters` apply to each shard.
    public func search(_ queries: Matrix, k: Int, parameters: SearchParameters = .default) throws(FaissError) -> SearchResults {
        let parts = try onEveryShard { (_, shard) throws(FaissError) in
            try shard.search(queries, k: k, parameters: parameters)
        }
        return SearchResults(merging: parts, metric: metric)
    }
}
