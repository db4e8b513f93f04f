/// What a collection holds.
public enum CollectionKind: String, Codable, Sendable, CaseIterable {
    /// Passages of text documents, searched by meaning and by keywords.
    case text
    /// Images with metadata, searched by visual similarity.
    case image
}
