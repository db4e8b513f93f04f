/// The text of one document and its sections, as produced by a ``DocumentReader``.
public struct DocumentContent: Sendable, Hashable {
    /// The format the document was read as.
    public var format: DocumentFormat
    /// The document's full text. For Markdown and plain text this is the decoded file, unchanged
    /// (a leading byte-order mark removed), so offsets into it are offsets into the file's text;
    /// for PPTX, DOCX and PDF it is the extracted text, sections separated by blank lines.
    public var text: String
    /// The document's sections in reading order; each section's ``Section/textRange`` points into
    /// ``text``, and ranges never overlap.
    public var sections: [Section]
    /// The document's title where the format declares one (a Markdown front-matter `title`, a Word
    /// "Title" paragraph, a presentation's first slide title); `nil` otherwise.
    public var title: String?
    /// Lower-case hexadecimal SHA-256 of the file's bytes, to detect changed files on re-ingest.
    public var contentHash: String

    /// Creates a document.
    public init(
        format: DocumentFormat,
        text: String,
        sections: [Section],
        title: String? = nil,
        contentHash: String
    ) {
        self.format = format
        self.text = text
        self.sections = sections
        self.title = title
        self.contentHash = contentHash
    }

    /// Whether ``text`` is the source file's own text (Markdown, plain text), so that section and
    /// passage spans are offsets into the file.
    public var hasVerbatimText: Bool { format.hasVerbatimText }
}
