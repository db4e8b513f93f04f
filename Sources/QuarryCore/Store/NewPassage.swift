/// A passage ready to be stored: its text, metadata and the vector of its `indexedText`.
public struct NewPassage: Sendable {
    /// The passage as shown to users.
    public var text: String
    /// What is embedded and keyword-indexed (e.g. the heading path plus the text without code).
    public var indexedText: String
    /// Heading path joined with " > ".
    public var chapter: String
    public var page: Int?
    /// Unicode-scalar offsets of `text` in the source's text, when known.
    public var span: Range<Int>?
    public var metadata: [String: JSONValue]
    public var vector: [Float]
    /// The id the passage must get (its vector's FAISS id); nil lets the store pick the next one.
    /// Cluster mode gives every node the ids PostgreSQL assigned, so they agree.
    public var id: Int64?

    public init(
        text: String, indexedText: String, chapter: String = "", page: Int? = nil, span: Range<Int>? = nil,
        metadata: [String: JSONValue] = [:], vector: [Float], id: Int64? = nil
    ) {
        self.id = id
        self.text = text
        self.indexedText = indexedText
        self.chapter = chapter
        self.page = page
        self.span = span
        self.metadata = metadata
        self.vector = vector
    }
}
