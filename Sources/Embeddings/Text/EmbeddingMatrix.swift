/// A batch of embeddings stored as one row-major `[Float]` buffer (`count × dimension`).
///
/// Encoders return this type instead of `[[Float]]` so a batch is one allocation: rows can
/// be read in place (``subscript(_:)`` returns an `ArraySlice` that shares the storage) and
/// ``storage`` can be handed to a vector index as is (FAISS takes exactly this layout).
///
/// ```swift
/// let m = try encoder.embed(["a", "b"], role: .passage)
/// let first: ArraySlice<Float> = m[0]      // no copy
/// index.add(m.storage, count: m.count)    // contiguous n × d floats
/// ```
public struct EmbeddingMatrix: Sendable, Hashable {
    /// Row-major values, `count * dimension` floats.
    public private(set) var storage: [Float]
    /// Length of each row.
    public let dimension: Int

    /// Wraps `storage` (its count must be a multiple of `dimension`).
    public init(storage: [Float], dimension: Int) {
        precondition(
            dimension > 0 && storage.count % dimension == 0,
            "EmbeddingMatrix: \(storage.count) values are not a whole number of \(dimension)-d rows")
        self.storage = storage
        self.dimension = dimension
    }

    /// An empty matrix (no rows).
    public init(dimension: Int) {
        self.init(storage: [], dimension: dimension)
    }

    /// Number of rows (embeddings).
    public var count: Int { storage.count / dimension }

    /// Whether there are no rows.
    public var isEmpty: Bool { storage.isEmpty }

    /// Row `i`, sharing storage with the matrix.
    public subscript(_ i: Int) -> ArraySlice<Float> {
        precondition(i >= 0 && i < count, "EmbeddingMatrix: row \(i) out of range 0..<\(count)")
        return storage[(i * dimension)..<((i + 1) * dimension)]
    }

    /// Row `i` copied into its own array.
    public func row(_ i: Int) -> [Float] { Array(self[i]) }

    /// Every row copied into its own array (convenient, but one allocation per row).
    public var rows: [[Float]] { (0..<count).map(row) }

    /// Calls `body` with the contiguous row-major values.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }
}
