import Foundation

/// Reads Markdown (`.md`, `.markdown`): ATX headings (`#` … `######`) and short setext headings
/// form the chapter path; fenced code blocks become ``Section/Kind/code`` sections; tables become
/// ``Section/Kind/table`` sections; YAML/TOML front matter, HTML comments and thematic breaks are
/// left out; links, emphasis and other inline markup stay in the text as written.
///
/// The document text is the file's decoded text, and every section is an exact slice of it:
/// ``Section/span`` equals ``Section/textRange``.
public struct MarkdownReader: TextFileReader {
    public var format: DocumentFormat { .markdown }

    /// Limits on the input.
    public var limits: DocumentReaderLimits

    /// Creates a reader.
    public init(limits: DocumentReaderLimits = .default) {
        self.limits = limits
    }

    /// Parses Markdown text that is already in memory (the hash defaults to the text's own).
    public func parse(_ text: String, contentHash: String? = nil) -> DocumentContent {
        let scalars = ScalarText(text)
        var parser = MarkdownBlockParser(scalars)
        parser.parse()
        let sections = parser.blocks.map { block in
            Section(
                text: scalars.string(block.range),
                chapterPath: block.chapterPath,
                page: nil,
                kind: block.kind,
                codeLanguage: block.codeLanguage,
                textRange: block.range,
                span: TextSpan(block.range)
            )
        }
        return DocumentContent(
            format: .markdown,
            text: text,
            sections: sections,
            title: parser.frontMatterTitle,
            contentHash: contentHash ?? ContentHash.sha256(text)
        )
    }
}
