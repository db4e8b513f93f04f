import Foundation

/// Reads plain text (`.txt`): one ``Section/Kind/prose`` section per paragraph (paragraphs are
/// separated by blank lines), without chapters or pages.
///
/// The text is decoded as UTF-8, else GB18030 when it looks like Chinese, else Latin-1; the
/// document text is the decoded file, and every section is an exact slice of it.
public struct PlainTextReader: TextFileReader {
    public var format: DocumentFormat { .plainText }

    /// Limits on the input.
    public var limits: DocumentReaderLimits

    /// Creates a reader.
    public init(limits: DocumentReaderLimits = .default) {
        self.limits = limits
    }

    /// Splits text already in memory into paragraph sections (the hash defaults to the text's own).
    public func parse(_ text: String, contentHash: String? = nil) -> DocumentContent {
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
                            text: scalars.string(range), chapterPath: [], page: nil,
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
