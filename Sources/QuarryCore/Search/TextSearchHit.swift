/// One ranked passage of a text search.
public struct TextSearchHit: Sendable, Equatable {
    /// 1-based position in the results.
    public let rank: Int
    public let passage: StoredPassage
    /// `vector`: cosine similarity; `keyword`: BM25 (larger is better);
    /// `hybrid`: fused score in 0…1, 1 meaning first in both rankings (``ScoreFusion``).
    public let score: Double
    /// Where the passage answers the question.
    public let highlights: Highlights

    public init(rank: Int, passage: StoredPassage, score: Double, highlights: Highlights) {
        self.rank = rank
        self.passage = passage
        self.score = score
        self.highlights = highlights
    }
}

/// The answer to a ``TextSearchRequest``.
public struct TextSearchResult: Sendable {
    public var hits: [TextSearchHit]
    /// Seconds spent per stage: "embed", "vector", "keyword", "metadata", "fuse", "deduplicate".
    public var timings: [String: Double]
    /// Ids returned by the index that the store does not know (dropped).
    public var unknownIDs: Int
}
