import Foundation

/// Reads plain text (`.txt`): one ``Section/Kind/prose`` section per paragraph (paragraphs are
/// separated by blank lines), without chapters or pages.
///
/// The text is decoded as UTF-8, else GB18030 when it looks like Chinese, else Latin-1; the
/// document text is the decoded file, and every section is an exact slice of it.
public struct PlainTextReader: DocumentReader {
    public var format: DocumentFormat { .plainText }

    /// Limits on the input.
    public var limits: DocumentReaderLimits

    /// Creates a reader.
    public init(limits: DocumentReaderLimits = .default) {
        self.limits = limits
    }

    public func read(_ source: DocumentSource) throws(DocumentReadError) -> DocumentContent {
        let data = try source.loadData(limit: limits.maxFileBytes)
        let decoded = try TextFileDecoder().decode(data, name: source.displayName)
        return parse(decoded.text, contentHash: ContentHash.sha256(data))
    }

    /// Splits text already in memory into paragraph sections, optionally under a chapter and page
    /// (for documents posted as JSON).
    public func parse(
        _ text: String,
        chapterPath: [String] = [],
        page: Int? = nil,
        contentHash: String? = nil
    ) -> DocumentContent {
        let scalars = ScalarText(text)
        var sections: [Section] = []
        var paragraphStart: Int?
        var paragraphEnd = 0
        func flush() {
            if let start = paragraphStart {
                let range = scalars.trimmed(start..<paragraphEnd)
                if !range.isEmpty {
                    sections.append(
                        Section(
                            text: scalars.string(range), chapterPath: chapterPath, page: page,
                            kind: .prose, textRange: range, span: TextSpan(range)))
                }
            }
            paragraphStart = nil
        }
        for line in scalars.lines() {
            if scalars.isBlank(line.start..<line.end) {
                flush()
            } else {
                if paragraphStart == nil { paragraphStart = line.start }
                paragraphEnd = line.end
            }
        }
        flush()
        return DocumentContent(
            format: .plainText, text: text, sections: sections, title: nil,
            contentHash: contentHash ?? ContentHash.sha256(text))
    }
}
