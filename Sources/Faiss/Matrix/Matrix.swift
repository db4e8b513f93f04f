/// A dense row-major matrix of `Float`: `rows` vectors of `columns` components
/// stored contiguously, the layout FAISS reads without copying.
public struct Matrix: Sendable, Equatable {
    /// Number of vectors.
    public let rows: Int
    /// Components per vector.
    public let columns: Int
    /// `rows × columns` values, row after row.
    public private(set) var storage: [Float]

    /// Wraps existing contiguous storage; `storage.count` must be `rows × columns`.
    public init(rows: Int, columns: Int, storage: [Float]) throws(FaissError) {
        guard rows >= 0, columns > 0 else {
            throw .invalidArgument("matrix shape \(rows)×\(columns) is invalid")
        }
        guard storage.count == rows * columns else {
            throw .invalidArgument("matrix \(rows)×\(columns) needs \(rows * columns) values, got \(storage.count)")
        }
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// Interprets flat storage as vectors of `columns` components.
    public init(columns: Int, storage: [Float]) throws(FaissError) {
        guard columns > 0 else { throw .invalidArgument("matrix width must be positive, got \(columns)") }
        guard storage.count % columns == 0 else {
            throw .dimensionMismatch(expected: columns, actual: storage.count % columns)
        }
        try self.init(rows: storage.count / columns, columns: columns, storage: storage)
    }

    /// Copies equally long vectors into one matrix.
    public init(_ vectors: [[Float]]) throws(FaissError) {
        guard let first = vectors.first else {
            throw .invalidArgument("cannot build a matrix from no vectors")
        }
        var storage: [Float] = []
        storage.reserveCapacity(vectors.count * first.count)
        for vector in vectors {
            guard vector.count == first.count else {
                throw .dimensionMismatch(expected: first.count, actual: vector.count)
            }
            storage.append(contentsOf: vector)
        }
        try self.init(rows: vectors.count, columns: first.count, storage: storage)
    }

    /// The vector at `row`, without copying.
    public subscript(row: Int) -> ArraySlice<Float> {
        storage[(row * columns)..<((row + 1) * columns)]
    }
}
