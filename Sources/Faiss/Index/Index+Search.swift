import CFaiss

extension Index {
    /// The `k` nearest neighbours of one query vector, best first.
    public func search(_ query: [Float], k: Int, parameters: SearchParameters = .default) throws(FaissError) -> [Neighbor] {
        guard query.count == dimension else {
            throw .dimensionMismatch(expected: dimension, actual: query.count)
        }
        return try query.withUnsafeBufferPointer { (buffer) throws(FaissError) in
            try search(queries: buffer, k: k, parameters: parameters)
        }[0]
    }

    /// The `k` nearest neighbours of each row of `queries`, best first.
    public func search(_ queries: Matrix, k: Int, parameters: SearchParameters = .default) throws(FaissError) -> SearchResults {
        try checkWidth(queries)
        return try queries.storage.withUnsafeBufferPointer { (buffer) throws(FaissError) in
            try search(queries: buffer, k: k, parameters: parameters)
        }
    }

    /// Batched search over queries stored contiguously (`count × dimension` values).
    public func search(queries: UnsafeBufferPointer<Float>, k: Int, parameters: SearchParameters = .default) throws(FaissError) -> SearchResults {
        guard k > 0 else { throw .invalidArgument("k must be positive, got \(k)") }
        guard queries.count % dimension == 0 else {
            throw .dimensionMismatch(expected: dimension, actual: queries.count % dimension)
        }
        let values = try parameters.validated()
        let count = queries.count / dimension
        var ids = [Int64](repeating: -1, count: count * k)
        var distances = [Float](repeating: .nan, count: count * k)
        if count > 0 {
            try ids.withUnsafeMutableBufferPointer { (idBuffer) throws(FaissError) in
                try distances.withUnsafeMutableBufferPointer { (distanceBuffer) throws(FaissError) in
                    try faissCall("search") { error in
                        qf_index_search(
                            handle, Int64(count), queries.baseAddress, Int64(k), values.nprobe, values.efSearch,
                            distanceBuffer.baseAddress, idBuffer.baseAddress, error
                        )
                    }
                }
            }
        }
        return SearchResults(count: count, k: k, ids: ids, distances: distances)
    }

    /// Every neighbour within `radius` of each query: inner product above `radius`,
    /// or squared L2 distance below it. Not every index type supports it (FAISS says which).
    public func rangeSearch(_ queries: Matrix, radius: Float, parameters: SearchParameters = .default) throws(FaissError) -> [[Neighbor]] {
        try checkWidth(queries)
        let values = try parameters.validated()
        var result: OpaquePointer?
        try queries.storage.withUnsafeBufferPointer { (buffer) throws(FaissError) in
            try faissCall("range search") { error in
                qf_index_range_search(
                    handle, Int64(queries.rows), buffer.baseAddress, radius, values.nprobe, values.efSearch,
                    &result, error
                )
            }
        }
        defer { qf_range_result_free(result) }
        let limits = qf_range_result_lims(result)!
        let ids = qf_range_result_ids(result)
        let distances = qf_range_result_distances(result)
        return (0..<queries.rows).map { query in
            (Int(limits[query])..<Int(limits[query + 1])).map { offset in
                Neighbor(id: ids![offset], distance: distances![offset])
            }
        }
    }
}
