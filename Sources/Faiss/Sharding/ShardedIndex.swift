import Foundation
import Synchronization

/// One collection's vectors split across several FAISS indexes of the same
/// kind (shards), so that a query uses several cores and each shard holds a
/// fraction of the vectors.
///
/// Vector `id` lives in shard `id mod shards.count` (see ``shard(for:)``): an
/// add or a removal touches one shard per id, and no id is in two shards.
/// Every operation runs on all shards at once, one thread per shard, since
/// each FAISS call blocks its thread (and the server runs FAISS with one
/// thread per call, see ``FaissRuntime/threadCount``); a search merges the
/// shards' `k` best into the overall `k` best.
///
/// Thread safety: as for ``Index``, whose lock guards each shard. A search
/// running beside a mutation may see it applied to some shards only.
public final class ShardedIndex: Sendable {
    /// The shards, all of one dimension and metric.
    public let shards: [Index]

    /// Components per vector.
    public var dimension: Int { shards[0].dimension }

    /// How vectors are compared.
    public var metric: Metric { shards[0].metric }

    /// Creates `shardCount` empty shards from one FAISS factory string.
    ///
    /// - Throws: ``FaissError/invalidArgument(_:)`` for a non-positive shard count,
    ///   and whatever ``Index/init(dimension:factory:metric:)`` throws.
    public convenience init(dimension: Int, factory: String = "Flat", metric: Metric = .innerProduct, shardCount: Int) throws(FaissError) {
        guard shardCount > 0 else { throw .invalidArgument("shard count must be positive, got \(shardCount)") }
        var shards: [Index] = []
        for _ in 0..<shardCount {
            shards.append(try Index(dimension: dimension, factory: factory, metric: metric))
        }
        try self.init(shards: shards)
    }

    /// Groups existing indexes, whose vectors must already sit in the shard
    /// their ids route to (every shard's ids are read to check).
    ///
    /// - Throws: ``FaissError/dimensionMismatch(expected:actual:)`` for shards of
    ///   different dimensions; ``FaissError/invalidArgument(_:)`` for no shards,
    ///   different metrics, one index given twice, or a misplaced id.
    public init(shards: [Index]) throws(FaissError) {
        guard let first = shards.first else { throw .invalidArgument("a sharded index needs at least one shard") }
        for (position, shard) in shards.enumerated() {
            guard shard.dimension == first.dimension else {
                throw .dimensionMismatch(expected: first.dimension, actual: shard.dimension)
            }
            guard shard.metric == first.metric else {
                throw .invalidArgument("shard \(position) uses \(shard.metric.rawValue), shard 0 \(first.metric.rawValue)")
            }
        }
        guard Set(shards.map(ObjectIdentifier.init)).count == shards.count else {
            throw .invalidArgument("the same index is given as two shards")
        }
        self.shards = shards
        for (position, ids) in try onEveryShard({ (_, shard) throws(FaissError) in try shard.ids() }).enumerated() {
            if let misplaced = ids.first(where: { shard(for: $0) != position }) {
                throw .invalidArgument("shard \(position) holds id \(misplaced), which belongs in shard \(shard(for: misplaced))")
            }
        }
    }

    /// The shard that holds (or would hold) vector `id`.
    public func shard(for id: Int64) -> Int {
        let count = Int64(shards.count)
        return Int((id % count + count) % count)
    }

    /// Number of vectors that searches can return, over all shards.
    public var count: Int { shards.reduce(0) { $0 + $1.count } }

    /// Whether every shard can accept vectors (IVF and PQ shards need ``train(_:)`` first).
    public var isTrained: Bool { shards.allSatisfy(\.isTrained) }

    /// Trains every shard on the same representative vectors; each IVF shard
    /// gets its own coarse quantizer.
    public func train(_ vectors: Matrix) throws(FaissError) {
        _ = try onEveryShard { (_, shard) throws(FaissError) in try shard.train(vectors) }
    }

    /// Adds vectors with their ids, each to the shard its id routes to. Ids must
    /// be non-negative and not yet in the index; a rejected batch adds nothing.
    public func add(_ vectors: Matrix, ids: [Int64]) throws(FaissError) {
        guard vectors.columns == dimension else {
            throw .dimensionMismatch(expected: dimension, actual: vectors.columns)
        }
        try add(vectors: vectors.storage, ids: ids)
    }

    /// Adds `ids.count` vectors given as one flat array (`ids.count × dimension` values).
    public func add(vectors: [Float], ids: [Int64]) throws(FaissError) {
        guard vectors.count == ids.count * dimension else {
            throw .invalidArgument("\(ids.count) ids need \(ids.count * dimension) values, got \(vectors.count)")
        }
        let parts = rowsByShard(ids).map { rows in
            (ids: rows.map { ids[$0] }, vectors: rows.flatMap { vectors[($0 * dimension)..<(($0 + 1) * dimension)] })
        }
        let outcomes = eachShard { (position, shard) throws(FaissError) in
            try shard.add(vectors: parts[position].vectors, ids: parts[position].ids)
        }
        guard let failure = outcomes.lazy.compactMap(\.failure).first else { return }
        // Take the batch back out of the shards that accepted their part.
        for (position, outcome) in outcomes.enumerated() where outcome.failure == nil {
            _ = try? shards[position].remove(ids: parts[position].ids)
        }
        throw failure
    }

    /// Removes the vectors with these ids from their shards; unknown ids are ignored.
    /// - Returns: how many vectors were removed.
    @discardableResult
    public func remove(ids: [Int64]) throws(FaissError) -> Int {
        let parts = rowsByShard(ids).map { rows in rows.map { ids[$0] } }
        return try onEveryShard { (position, shard) throws(FaissError) in
            try shard.remove(ids: parts[position])
        }.reduce(0, +)
    }

    /// Every id in the index, shard after shard, each shard's in its own order
    /// (see ``Index/ids()``).
    public func ids() throws(FaissError) -> [Int64] {
        try onEveryShard { (_, shard) throws(FaissError) in try shard.ids() }.flatMap { $0 }
    }

    /// The positions in `ids` that go to each shard, in order.
    private func rowsByShard(_ ids: [Int64]) -> [[Int]] {
        var rows = [[Int]](repeating: [], count: shards.count)
        for (row, id) in ids.enumerated() { rows[shard(for: id)].append(row) }
        return rows
    }

    /// Runs `body` on every shard at once and returns each shard's outcome, in shard order.
    func eachShard<T: Sendable>(_ body: @Sendable (_ position: Int, _ shard: Index) throws(FaissError) -> T) -> [Result<T, FaissError>] {
        let outcomes = Mutex([Result<T, FaissError>?](repeating: nil, count: shards.count))
        DispatchQueue.concurrentPerform(iterations: shards.count) { position in
            let outcome = Result { () throws(FaissError) in try body(position, shards[position]) }
            outcomes.withLock { $0[position] = outcome }
        }
        return outcomes.withLock { $0.map { $0! } }
    }

    /// Runs `body` on every shard at once and returns each shard's result, in
    /// shard order, or throws the first shard's error.
    func onEveryShard<T: Sendable>(_ body: @Sendable (_ position: Int, _ shard: Index) throws(FaissError) -> T) throws(FaissError) -> [T] {
        try eachShard(body).map { (outcome) throws(FaissError) in try outcome.get() }
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
