import Faiss
import Foundation

/// `truth`: the exact `k` nearest base vectors of every query by inner product
/// (a Flat index through Quarry's binding, all queries in one batched call on
/// every core), written to truth.i64, with neighbour statistics added to meta.json.
struct TruthCommand {
    /// Neighbours kept per query: recall@10 needs 10.
    static let k = 10

    let dataSet: DataSet

    func run() throws {
        var meta = try dataSet.meta()
        if meta.meanTop1 != nil, FileManager.default.fileExists(atPath: dataSet.truthURL.path) {
            log("ground truth is up to date")
            return
        }
        let base = try dataSet.base()
        let queries = try Matrix(columns: meta.dimension, storage: try RawFiles.read(dataSet.queriesURL))
        FaissRuntime.threadCount = ProcessInfo.processInfo.activeProcessorCount
        let index = try Index(dimension: meta.dimension, factory: "Flat", metric: .innerProduct)
        var results: SearchResults?
        let elapsed = try seconds {
            try base.withUnsafeBufferPointer { vectors in
                let ids = (0..<Int64(meta.vectors)).map { $0 }
                try ids.withUnsafeBufferPointer { try index.add(vectors: vectors, ids: $0) }
            }
            results = try index.search(queries, k: Self.k)
        }
        guard let results else { return }
        try RawFiles.write(results.ids, to: dataSet.truthURL)

        var random = SplitMix64(seed: meta.seed, stream: 3)
        var top1 = 0.0, topK = 0.0, other = 0.0
        for query in 0..<queries.rows {
            top1 += Double(results.distances[query * Self.k])
            topK += Double(results.distances[query * Self.k + Self.k - 1])
            let row = random.below(meta.vectors) * meta.dimension
            other += zip(queries[query], base[row..<(row + meta.dimension)]).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        }
        let count = Double(queries.rows)
        meta.meanTop1 = top1 / count
        meta.meanTopK = topK / count
        meta.meanRandom = other / count
        try dataSet.write(meta)
        log(String(format: "ground truth in %.1f s; mean similarity to neighbour 1: %.3f, to neighbour %d: %.3f, to a random vector: %.3f",
                   elapsed, top1 / count, Self.k, topK / count, other / count))
    }
}
