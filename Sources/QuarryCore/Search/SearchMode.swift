/// How a text search ranks passages.
public enum SearchMode: String, Codable, Sendable, CaseIterable {
    /// Nearest neighbours of the question's embedding.
    case vector
    /// BM25 over character bigrams and words (``KeywordIndex``, ``KeywordTerms``).
    case keyword
    /// `vector` and `keyword` fused by their rescaled scores (``ScoreFusion``).
    case hybrid
}
