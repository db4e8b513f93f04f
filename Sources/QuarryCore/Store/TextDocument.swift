/// A document cut into passages, ready to be embedded and stored.
public struct TextDocument: Sendable {
    /// Path of the source relative to the ingested root (the document's key).
    public var source: String
    /// Hash of the source content; an unchanged hash means nothing to do.
    public var contentHash: String
    public var metadata: [String: JSONValue]
    public var passages: [Passage]

    /// One passage before embedding.
    public struct Passage: Sendable, Equatable {
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

        public init(
            text: String, indexedText: String? = nil, chapter: String = "", page: Int? = nil, span: Range<Int>? = nil,
            metadata: [String: JSONValue] = [:]
        ) {
            self.text = text
            self.indexedText = indexedText ?? text
            self.chapter = chapter
            self.page = page
            self.span = span
            self.metadata = metadata
        }
    }

    public init(source: String, contentHash: String, metadata: [String: JSONValue] = [:], passages: [Passage]) {
        self.source = source
        self.contentHash = contentHash
        self.metadata = metadata
        self.passages = passages
    }
}
