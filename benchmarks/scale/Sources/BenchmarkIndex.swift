import Faiss
import Foundation

/// What the benchmark does with an index: a plain ``Index``, or a ``ShardedIndex``
/// whose shards are searched in parallel and merged.
protocol BenchmarkIndex {
    func train(_ vectors: Matrix) throws(FaissError)
    func add(vectors: [Float], ids: [Int64]) throws(FaissError)
    func search(_ query: [Float], k: Int, parameters: SearchParameters) throws(FaissError) -> [Neighbor]
    func write(to url: URL) throws(FaissError)
}

extension Index: BenchmarkIndex {}
extension ShardedIndex: BenchmarkIndex {}

extension IndexSpec {
    /// The factory string, with the shard count when there are several.
    var title: String { shards > 1 ? "\(factory) × \(shards) shards" : factory }

    /// An empty index of this type.
    func makeIndex(dimension: Int) throws(FaissError) -> any BenchmarkIndex {
        shards > 1
            ? try ShardedIndex(dimension: dimension, factory: factory, metric: .innerProduct, shardCount: shards)
            : try Index(dimension: dimension, factory: factory, metric: .innerProduct)
    }

    /// The index written at `url` (a file, or a folder of shard files).
    func loadIndex(from url: URL) throws(FaissError) -> any BenchmarkIndex {
        shards > 1 ? try ShardedIndex(contentsOf: url) : try Index(contentsOf: url)
    }

    /// Bytes the written index takes on disk (all shard files together).
    func storedBytes(at url: URL) throws -> Int {
        let manager = FileManager.default
        guard shards > 1 else { return try manager.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0 }
        return try manager.contentsOfDirectory(at: url, includingPropertiesForKeys: [.fileSizeKey])
            .reduce(0) { $0 + (try $1.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) }
    }
}
