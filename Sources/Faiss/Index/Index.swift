import CFaiss

/// A FAISS index whose vectors carry caller-chosen `Int64` ids.
///
/// Built from a FAISS factory string in ``IndexFactory``'s grammar ("Flat", "HNSW32,Flat",
/// "IVF256,Flat", "IVF256,PQ16", "PCA64,IVF256,Flat", …); the index never assigns ids itself.
///
/// Thread safety: an `Index` can be shared freely. Searches (and reads such as
/// ``reconstruct(id:)`` or ``write(to:)``) run concurrently; mutations
/// (``train(_:)``, ``add(_:ids:)``, ``remove(ids:)``, ``merge(from:)``,
/// ``setSearchDefaults(nprobe:efSearch:)``) are exclusive: they wait for running
/// searches and hold new ones back until done. A writer-preferring
/// reader-writer lock inside the binding enforces this, so misuse is not possible.
public final class Index: @unchecked Sendable {
    let handle: OpaquePointer
    /// Components per vector.
    public let dimension: Int
    /// How vectors are compared.
    public let metric: Metric

    /// Creates an empty index from a FAISS factory string.
    ///
    /// - Throws: ``FaissError/invalidFactory(_:reason:)`` for a factory string outside
    ///   ``IndexFactory``'s grammar, ``FaissError/native(operation:message:)`` when FAISS
    ///   refuses it, ``FaissError/invalidArgument(_:)`` for a non-positive dimension.
    public convenience init(dimension: Int, factory: String = "Flat", metric: Metric = .innerProduct) throws(FaissError) {
        guard dimension > 0, dimension <= Int(Int32.max) else {
            throw .invalidArgument("dimension must be positive, got \(dimension)")
        }
        try IndexFactory.validate(factory, dimension: dimension)
        var handle: OpaquePointer?
        try faissCall("index_factory(\"\(factory)\")") { error in
            qf_index_new(Int32(dimension), factory, metric.native, &handle, error)
        }
        self.init(handle: handle!)
    }

    init(handle: OpaquePointer) {
        self.handle = handle
        var info = QFIndexInfo()
        qf_index_info(handle, &info)
        self.dimension = Int(info.dimension)
        self.metric = Metric(info.metric)
    }

    deinit {
        qf_index_free(handle)
    }

    var info: QFIndexInfo {
        var info = QFIndexInfo()
        qf_index_info(handle, &info)
        return info
    }

    /// Number of vectors that searches can return.
    public var count: Int { Int(info.count) }

    /// Whether the index can accept vectors (IVF and PQ indexes need ``train(_:)`` first).
    public var isTrained: Bool { info.is_trained != 0 }

    /// Number of inverted lists of an IVF index; `nil` for other index types.
    public var nlist: Int? {
        let info = info
        return info.is_ivf != 0 ? Int(info.nlist) : nil
    }

    /// Whether the index is an HNSW graph.
    public var isHNSW: Bool { info.is_hnsw != 0 }

    /// Removed vectors that still occupy space until the index is rebuilt
    /// (HNSW graphs and refined `…,RFlat` indexes cannot delete; their removed ids are skipped by searches).
    public var removedSlots: Int { Int(info.tombstones) }

    /// Parameters that searches use when they pass `nil`.
    public var searchDefaults: SearchParameters {
        let info = info
        return SearchParameters(
            nprobe: info.is_ivf != 0 ? Int(info.default_nprobe) : nil,
            efSearch: info.is_hnsw != 0 ? Int(info.default_ef_search) : nil
        )
    }

    /// How unevenly vectors are spread over an IVF index's lists (1 = perfectly even);
    /// `nil` for other index types or an empty index.
    public var imbalanceFactor: Double? {
        let factor = qf_index_imbalance(handle)
        return factor > 0 ? factor : nil
    }

    /// Sets the default `nprobe` (IVF) and/or `efSearch` (HNSW).
    public func setSearchDefaults(nprobe: Int? = nil, efSearch: Int? = nil) throws(FaissError) {
        let values = try SearchParameters(nprobe: nprobe, efSearch: efSearch).validated()
        try faissCall("set search defaults") { error in
            qf_index_set_search_defaults(handle, values.nprobe, values.efSearch, error)
        }
    }

    /// Trains an index that needs it (IVF quantizer, PQ codebooks, PCA) on representative vectors.
    public func train(_ vectors: Matrix) throws(FaissError) {
        try checkWidth(vectors)
        guard vectors.rows > 0 else { throw .invalidArgument("no training vectors") }
        try vectors.storage.withUnsafeBufferPointer { (buffer) throws(FaissError) in
            try faissCall("train") { error in
                qf_index_train(handle, Int64(vectors.rows), buffer.baseAddress, error)
            }
        }
    }

    /// Adds vectors with their ids. Ids must be non-negative and not yet in the index.
    public func add(_ vectors: Matrix, ids: [Int64]) throws(FaissError) {
        try checkWidth(vectors)
        try add(vectors: vectors.storage, ids: ids)
    }

    /// Adds `ids.count` vectors given as one flat array (`ids.count × dimension` values).
    public func add(vectors: [Float], ids: [Int64]) throws(FaissError) {
        try vectors.withUnsafeBufferPointer { (buffer) throws(FaissError) in
            try ids.withUnsafeBufferPointer { (ids) throws(FaissError) in
                try add(vectors: buffer, ids: ids)
            }
        }
    }

    /// Adds `ids.count` vectors stored contiguously in `vectors` (`ids.count × dimension` values).
    public func add(vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<Int64>) throws(FaissError) {
        guard vectors.count == ids.count * dimension else {
            throw .invalidArgument("\(ids.count) ids need \(ids.count * dimension) values, got \(vectors.count)")
        }
        guard !ids.isEmpty else { return }
        try faissCall("add") { error in
            qf_index_add(handle, Int64(ids.count), vectors.baseAddress, ids.baseAddress, error)
        }
    }

    /// Removes the vectors with these ids; unknown ids are ignored.
    /// - Returns: how many vectors were removed.
    @discardableResult
    public func remove(ids: [Int64]) throws(FaissError) -> Int {
        guard !ids.isEmpty else { return 0 }
        var removed: Int64 = 0
        try ids.withUnsafeBufferPointer { (buffer) throws(FaissError) in
            try faissCall("remove") { error in
                qf_index_remove(handle, Int64(buffer.count), buffer.baseAddress, &removed, error)
            }
        }
        return Int(removed)
    }

    /// The stored vector of `id` (approximate for compressed indexes such as PQ).
    public func reconstruct(id: Int64) throws(FaissError) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        try vector.withUnsafeMutableBufferPointer { (buffer) throws(FaissError) in
            try faissCall("reconstruct(\(id))") { error in
                qf_index_reconstruct(handle, id, buffer.baseAddress, error)
            }
        }
        return vector
    }

    /// Every id in the index, in ascending order for IVF indexes and in insertion order otherwise.
    public func ids() throws(FaissError) -> [Int64] {
        var total: Int64 = 0
        var ids: [Int64] = []
        repeat {
            ids = [Int64](repeating: -1, count: Int(total))
            try ids.withUnsafeMutableBufferPointer { (buffer) throws(FaissError) in
                try faissCall("list ids") { error in
                    qf_index_ids(handle, buffer.baseAddress, Int64(buffer.count), &total, error)
                }
            }
        } while Int(total) > ids.count
        return Array(ids.prefix(Int(total)))
    }

    /// Adds every vector of `other` with its id. IVF indexes sharing a coarse
    /// quantizer (e.g. clones of one trained index) merge their inverted lists
    /// directly; any other pair is merged by reconstructing and re-adding.
    /// `other` is left unchanged.
    public func merge(from other: Index) throws(FaissError) {
        guard other.dimension == dimension else {
            throw .dimensionMismatch(expected: dimension, actual: other.dimension)
        }
        try faissCall("merge") { error in
            qf_index_merge(handle, other.handle, error)
        }
    }

    func checkWidth(_ vectors: Matrix) throws(FaissError) {
        guard vectors.columns == dimension else {
            throw .dimensionMismatch(expected: dimension, actual: vectors.columns)
        }
    }
}
