/// One ranked passage of a text search.
public struct TextSearchHit: Sendable, Equatable {
    /// 1-based position in the results.
    public let rank: Int
    public let passage: StoredPassage
    /// `vector`: cosine similarity; `keyword`: BM25 (larger is better);
    /// `hybrid`: fused reciprocal-rank score scaled so that 1 means first in every ranking.
    public let score: Double
}

/// The answer to a ``TextSearchRequest``.
public struct TextSearchResult: Sendable {
    public var hits: [TextSearchHit]
    /// Seconds spent per stage: "embed", "vector", "keyword", "metadata", "fuse", "deduplicate".
    public var timings: [String: Double]
    /// Ids returned by the index that the store does not know (dropped).
    public var unknownIDs: Int
}
