/// One ranked image of an image search.
public struct ImageSearchHit: Sendable, Equatable {
    /// 1-based position in the results.
    public let rank: Int
    public let image: StoredImage
    /// Cosine similarity to the query (1 = identical features).
    public let score: Double
}

/// The answer to an ``ImageSearchRequest``.
public struct ImageSearchResult: Sendable {
    public var hits: [ImageSearchHit]
    /// The nprobe the search used; nil for an index without inverted lists.
    public var nprobe: Int?
    /// Seconds spent per stage: "embed", "vector", "metadata".
    public var timings: [String: Double]
    /// Ids returned by the index that the store does not know (dropped).
    public var unknownIDs: Int
    /// The stored image the query nearly duplicates (scoring at least the collection's
    /// threshold, whatever the filter), or nil.
    public var duplicateOf: ImageSearchHit?
}
