/// A passage: a piece of a document sized for embedding, with where it comes from.
public struct Passage: Sendable, Hashable, Codable {
    /// How ``embeddingText(_:)`` builds the text given to an embedding model or keyword index.
    public struct EmbeddingTextOptions: Sendable, Hashable, Codable {
        /// Put the chapter path (joined with ``chapterSeparator``) on a line before the text.
        public var includeChapter: Bool
        /// Reduce Markdown inline markup (links, emphasis, code spans, HTML tags) to its text.
        public var stripMarkdown: Bool
        /// What joins the chapter path's headings.
        public var chapterSeparator: String

        /// Creates options.
        public init(includeChapter: Bool = true, stripMarkdown: Bool = true, chapterSeparator: String = " > ") {
            self.includeChapter = includeChapter
            self.stripMarkdown = stripMarkdown
            self.chapterSeparator = chapterSeparator
        }
    }

    /// The source path, relative to the ingested root (as given to the chunker).
    public var source: String
    /// The passage text: exactly the document text at ``textSpan`` (and, for Markdown and plain
    /// text, the source file's text at ``span``).
    public var text: String
    /// The heading path, outermost first.
    public var chapterPath: [String]
    /// The 1-based page or slide number, if the format has pages.
    public var page: Int?
    /// Unicode-scalar offsets of the passage in the source file's text, for Markdown and plain text
    /// sources; `nil` for PPTX, DOCX and PDF.
    public var span: TextSpan?
    /// Unicode-scalar offsets of the passage in ``DocumentContent/text`` (any format).
    public var textSpan: TextSpan
    /// The kind of the content (a passage of prose may include table rows).
    public var kind: Section.Kind
    /// The language of a code passage, if known.
    public var codeLanguage: String?
    /// The document's format.
    public var format: DocumentFormat
    /// The passage's position among the document's passages (0-based).
    public var ordinal: Int
    /// The number of tokens of ``text``, as counted by the chunker's ``TokenCounter``.
    public var tokenCount: Int
    /// Lower-case hexadecimal SHA-256 of ``text`` (UTF-8), to store identical passages once.
    public var contentHash: String

    /// Creates a passage.
    public init(
        source: String, text: String, chapterPath: [String], page: Int?, span: TextSpan?, textSpan: TextSpan,
        kind: Section.Kind, codeLanguage: String?, format: DocumentFormat, ordinal: Int, tokenCount: Int,
        contentHash: String? = nil
    ) {
        self.source = source
        self.text = text
        self.chapterPath = chapterPath
        self.page = page
        self.span = span
        self.textSpan = textSpan
        self.kind = kind
        self.codeLanguage = codeLanguage
        self.format = format
        self.ordinal = ordinal
        self.tokenCount = tokenCount
        self.contentHash = contentHash ?? ContentHash.sha256(text)
    }

    /// The chapter path joined with `" > "` (empty before the first heading).
    public var chapter: String { chapterPath.joined(separator: " > ") }

    /// Whether the passage is source code.
    public var isCode: Bool { kind == .code }

    /// The text to embed or index: by default the chapter path on its own line, then the text with
    /// Markdown inline markup reduced to plain text (code is never altered).
    public func embeddingText(_ options: EmbeddingTextOptions = EmbeddingTextOptions()) -> String {
        var body = text
        if options.stripMarkdown, format == .markdown, kind != .code {
            body = MarkdownInlineText.plainText(body)
        }
        guard options.includeChapter, !chapterPath.isEmpty else { return body }
        return chapterPath.joined(separator: options.chapterSeparator) + "\n" + body
    }
}
