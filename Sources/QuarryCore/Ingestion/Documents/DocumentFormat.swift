/// The file formats that the ingestion readers understand.
public enum DocumentFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// CommonMark-style Markdown (`.md`, `.markdown`).
    case markdown
    /// Plain text (`.txt`).
    case plainText = "text"
    /// PowerPoint Open XML presentation (`.pptx`).
    case powerPoint = "pptx"
    /// Word Open XML document (`.docx`).
    case word = "docx"
    /// Portable Document Format (`.pdf`), read through poppler's `pdftotext`.
    case pdf

    /// The lower-case file extensions (without the dot) that select this format.
    public var fileExtensions: [String] {
        switch self {
        case .markdown: ["md", "markdown"]
        case .plainText: ["txt"]
        case .powerPoint: ["pptx"]
        case .word: ["docx"]
        case .pdf: ["pdf"]
        }
    }

    /// Whether ``DocumentContent/text`` of a document in this format is the source file's own text,
    /// so that offsets into it are offsets into the file (Markdown and plain text).
    public var hasVerbatimText: Bool {
        self == .markdown || self == .plainText
    }
}
