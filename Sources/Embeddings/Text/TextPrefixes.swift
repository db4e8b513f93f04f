/// The strings a model expects in front of each text, per ``TextRole``.
///
/// e5 models use `"query: "` / `"passage: "`; sentence-transformers models such as
/// all-MiniLM-L6-v2 use none.
public struct TextPrefixes: Sendable, Hashable {
    /// Prepended to texts embedded with ``TextRole/query``.
    public var query: String
    /// Prepended to texts embedded with ``TextRole/passage``.
    public var passage: String

    /// Creates prefix rules.
    public init(query: String, passage: String) {
        self.query = query
        self.passage = passage
    }

    /// No prefix for either role.
    public static let none = TextPrefixes(query: "", passage: "")
    /// The e5 family's conventions: `"query: "` and `"passage: "`.
    public static let e5 = TextPrefixes(query: "query: ", passage: "passage: ")

    /// The prefix for a role.
    public func prefix(for role: TextRole) -> String {
        switch role {
        case .query: return query
        case .passage: return passage
        }
    }

    /// `text` with the prefix for `role` in front.
    public func apply(_ text: String, role: TextRole) -> String {
        let p = prefix(for: role)
        return p.isEmpty ? text : p + text
    }
}
