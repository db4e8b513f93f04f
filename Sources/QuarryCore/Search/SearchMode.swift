/// How a text search ranks passages.
public enum SearchMode: String, Codable, Sendable, CaseIterable {
    /// Nearest neighbours of the question's embedding.
    case vector
    /// BM25 over character trigrams (SQLite FTS5).
    case keyword
    /// Reciprocal-rank fusion of `vector` and `keyword`.
    case hybrid
}
