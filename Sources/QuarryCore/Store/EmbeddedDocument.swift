/// A document with its passages embedded: everything a store needs to hold it, with no model.
public struct EmbeddedDocument: Sendable {
    public var source: String
    /// SHA-256 of the document's content; a document whose hash is unchanged is not stored again.
    public var contentHash: String
    public var metadata: [String: JSONValue]
    /// The passages in order, each with its vector.
    public var passages: [NewPassage]

    public init(source: String, contentHash: String, metadata: [String: JSONValue] = [:], passages: [NewPassage]) {
        self.source = source
        self.contentHash = contentHash
        self.metadata = metadata
        self.passages = passages
    }
}
