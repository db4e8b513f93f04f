import Foundation

/// A passage as stored: its id is also its vector's id in the index.
public struct StoredPassage: Sendable, Equatable {
    public let id: Int64
    public let source: String
    public let text: String
    /// Heading path joined with " > ".
    public let chapter: String
    public let page: Int?
    /// Unicode-scalar offsets of the passage in the source's text, when known.
    public let span: Range<Int>?
    /// Free-form metadata (JSON object).
    public let metadata: [String: JSONValue]

    public init(id: Int64, source: String, text: String, chapter: String, page: Int?, span: Range<Int>?, metadata: [String: JSONValue]) {
        self.id = id
        self.source = source
        self.text = text
        self.chapter = chapter
        self.page = page
        self.span = span
        self.metadata = metadata
    }
}
