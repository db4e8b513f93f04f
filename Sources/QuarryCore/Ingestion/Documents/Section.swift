/// A piece of a document with its place in the document: the chapter (heading path) it belongs to,
/// its page or slide number and where its text lies.
///
/// Readers produce sections at block granularity (a Markdown paragraph, list, table or code block;
/// a slide's body or notes; a Word paragraph or table; a PDF page's paragraph). The ``Chunker``
/// packs consecutive sections that share a chapter and page into passages.
public struct Section: Sendable, Hashable {
    /// What kind of content a section holds.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Running text: paragraphs, lists, quotes, slide bullets, notes.
        case prose
        /// A table; each line of ``Section/text`` is one row.
        case table
        /// Source code (a fenced code block); indexers usually leave it out of embedded text.
        case code
    }

    /// The section's text. It is always `document.text[textRange]` (by Unicode scalars).
    public var text: String
    /// The heading path, outermost first (`["2. Indexes", "2.1 IVF"]`); empty before the first heading.
    public var chapterPath: [String]
    /// The 1-based page (PDF, Word with page-break information) or slide number (PPTX); `nil` where
    /// the format has no pages.
    public var page: Int?
    /// What the section holds.
    public var kind: Kind
    /// The info string's first word of a fenced code block (`python`), if any.
    public var codeLanguage: String?
    /// Unicode-scalar offsets of ``text`` in ``DocumentContent/text``.
    public var textRange: Range<Int>
    /// Unicode-scalar offsets of ``text`` in the source file's text, for formats whose text is the
    /// file's own (Markdown, plain text); `nil` for PPTX, DOCX and PDF.
    public var span: TextSpan?

    /// Creates a section.
    public init(
        text: String,
        chapterPath: [String],
        page: Int? = nil,
        kind: Kind = .prose,
        codeLanguage: String? = nil,
        textRange: Range<Int>,
        span: TextSpan? = nil
    ) {
        self.text = text
        self.chapterPath = chapterPath
        self.page = page
        self.kind = kind
        self.codeLanguage = codeLanguage
        self.textRange = textRange
        self.span = span
    }

    /// Whether the section is a code block.
    public var isCode: Bool { kind == .code }

    /// The chapter path joined with `" > "` (empty before the first heading).
    public var chapter: String { chapterPath.joined(separator: " > ") }
}
