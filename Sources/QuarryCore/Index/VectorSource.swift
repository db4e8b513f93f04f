/// Where a collection's vectors are stored durably (its SQLite store): the
/// index can always be rebuilt or repaired from it.
public protocol VectorSource: Sendable {
    /// Components of every vector.
    var dimension: Int { get }
    /// Every stored id, ascending.
    func allIDs() throws -> [Int64]
    /// Batches of (ids, row-major vectors) for the given ids (all when nil), in id order.
    func forEachVectorBatch(ids: [Int64]?, batchSize: Int, _ body: ([Int64], [Float]) throws -> Void) throws
}

extension VectorStore: VectorSource {}
