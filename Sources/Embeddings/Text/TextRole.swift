/// What a text is used for. Retrieval models such as e5 were trained with a different
/// prefix for each side; symmetric models (MiniLM) ignore the role.
public enum TextRole: String, Sendable, Hashable, CaseIterable, Codable {
    /// A search query (e5 prefix `"query: "`).
    case query
    /// A document or chunk to be indexed (e5 prefix `"passage: "`).
    case passage
}
