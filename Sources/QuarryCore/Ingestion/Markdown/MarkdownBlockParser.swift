import Foundation

/// A line-based Markdown block parser: it finds headings (ATX and short setext), fenced code
/// blocks, tables, front matter, HTML comments and thematic breaks, and groups the remaining lines
/// into paragraphs. Inline markup is left in the text.
///
/// Every block keeps its exact Unicode-scalar range in the source, so sections are exact slices.
struct MarkdownBlockParser {
    /// A block of content under the current heading path.
    struct Block: Sendable, Hashable {
        var kind: Section.Kind
        var range: Range<Int>
        var chapterPath: [String]
        var codeLanguage: String?
    }

    /// The longest one-line paragraph that a following `---`/`===` line turns into a heading;
    /// longer lines are taken as text followed by a thematic break.
    static let maxSetextHeadingLength = 80

    private let text: ScalarText
    private let lines: [ScalarText.Line]

    private(set) var blocks: [Block] = []
    private(set) var frontMatterTitle: String?
    private var headings: [(level: Int, title: String)] = []
    private var paragraphLines: [ScalarText.Line] = []

    init(_ text: ScalarText) {
        self.text = text
        self.lines = text.lines()
    }

    private var chapterPath: [String] { headings.map(\.title) }

    /// Parses the whole text.
    mutating func parse() {
        var index = skipFrontMatter()
        while index < lines.count {
            let line = lines[index]
            if text.isBlank(line.start..<line.end) {
                flushParagraph()
                index += 1
                continue
            }
            if let fence = openingFence(line) {
                flushParagraph()
                index = consumeFence(fence, openingLine: index)
                continue
            }
            if let (level, title) = atxHeading(line) {
                flushParagraph()
                pushHeading(level: level, title: title)
                index += 1
                continue
            }
            if let underline = setextUnderline(line) {
                if paragraphLines.count == 1, let heading = setextHeading(paragraphLines[0]) {
                    paragraphLines.removeAll()
                    pushHeading(level: underline, title: heading)
                    index += 1
                    continue
                }
                if underline == 2 {  // `---`: a thematic break
                    flushParagraph()
                    index += 1
                    continue
                }
            }
            if isThematicBreak(line) {
                flushParagraph()
                index += 1
                continue
            }
            if startsHTMLComment(line) {
                flushParagraph()
                index = consumeHTMLComment(from: index)
                continue
            }
            paragraphLines.append(line)
            index += 1
        }
        flushParagraph()
    }

    // MARK: Front matter

    /// Skips YAML (`---`) or TOML (`+++`) front matter at the very start; returns the first line after it.
    private mutating func skipFrontMatter() -> Int {
        guard let first = lines.first else { return 0 }
        let opener = text.string(text.trimmed(first.start..<first.end))
        guard opener == "---" || opener == "+++", first.start == 0 else { return 0 }
        for index in 1..<lines.count {
            let line = lines[index]
            let content = text.string(text.trimmed(line.start..<line.end))
            if content == opener || (opener == "---" && content == "...") {
                for fieldLine in lines[1..<index] {
                    let field = text.string(fieldLine.start..<fieldLine.end)
                    for key in ["title:", "title ="] where field.hasPrefix(key) {
                        let value = String(field.dropFirst(key.count)).trimmingWhitespace()
                            .trimmingCharacters(in: ["\"", "'"])
                        if !value.isEmpty { frontMatterTitle = value }
                    }
                }
                return index + 1
            }
        }
        return 0
    }

    // MARK: Headings

    private mutating func pushHeading(level: Int, title: String) {
        while let last = headings.last, last.level >= level { headings.removeLast() }
        if !title.isEmpty { headings.append((level, title)) }
    }

    /// An ATX heading: up to three spaces, 1–6 `#`, then a space, a tab or the end of the line.
    private func atxHeading(_ line: ScalarText.Line) -> (Int, String)? {
        guard text.indentation(of: line) <= 3 else { return nil }
        var index = text.firstNonSpace(of: line)
        var level = 0
        while index < line.end, text[index] == "#" {
            level += 1
            index += 1
        }
        guard (1...6).contains(level) else { return nil }
        guard index == line.end || text[index] == " " || text[index] == "\t" else { return nil }
        var content = text.trimmed(index..<line.end)
        // An optional closing sequence of `#`s preceded by a space.
        var end = content.upperBound
        while end > content.lowerBound, text[end - 1] == "#" { end -= 1 }
        if end < content.upperBound, end == content.lowerBound || text[end - 1] == " " || text[end - 1] == "\t" {
            content = text.trimmed(content.lowerBound..<end)
        }
        return (level, Self.headingTitle(text.string(content)))
    }

    /// `1` for a `===` underline, `2` for `---`; `nil` if the line is not an underline.
    private func setextUnderline(_ line: ScalarText.Line) -> Int? {
        guard text.indentation(of: line) <= 3 else { return nil }
        let content = text.trimmed(line.start..<line.end)
        guard let first = content.first.map({ text[$0] }), first == "=" || first == "-" else { return nil }
        guard text.scalars[content].allSatisfy({ $0 == first }) else { return nil }
        return first == "=" ? 1 : 2
    }

    /// The heading text of a one-line paragraph above an underline, if it may be a heading.
    private func setextHeading(_ line: ScalarText.Line) -> String? {
        let content = text.trimmed(line.start..<line.end)
        guard content.count <= Self.maxSetextHeadingLength, text.indentation(of: line) <= 3 else { return nil }
        let string = text.string(content)
        // List items, quotes and table rows are not setext headings.
        if string.hasPrefix(">") || string.hasPrefix("|") || Self.isListItem(string) { return nil }
        return Self.headingTitle(string)
    }

    static func headingTitle(_ raw: String) -> String {
        MarkdownInlineText.plainText(raw).collapsingWhitespace()
    }

    static func isListItem(_ line: String) -> Bool {
        let scalars = Array(line.unicodeScalars)
        guard let first = scalars.first else { return false }
        if first == "-" || first == "*" || first == "+" {
            return scalars.count == 1 || scalars[1] == " " || scalars[1] == "\t"
        }
        var index = 0
        while index < scalars.count, index < 9, ("0"..."9").contains(scalars[index]) { index += 1 }
        guard index > 0, index < scalars.count, scalars[index] == "." || scalars[index] == ")" else { return false }
        return index + 1 == scalars.count || scalars[index + 1] == " " || scalars[index + 1] == "\t"
    }

    // MARK: Thematic breaks and comments

    private func isThematicBreak(_ line: ScalarText.Line) -> Bool {
        guard text.indentation(of: line) <= 3 else { return false }
        let content = text.scalars[text.trimmed(line.start..<line.end)].filter { $0 != " " && $0 != "\t" }
        guard content.count >= 3, let first = content.first, first == "-" || first == "*" || first == "_" else {
            return false
        }
        return content.allSatisfy { $0 == first }
    }

    private func startsHTMLComment(_ line: ScalarText.Line) -> Bool {
        guard text.indentation(of: line) <= 3 else { return false }
        return text.string(text.trimmed(line.start..<line.end)).hasPrefix("<!--")
    }

    /// Skips lines up to and including the one that closes the comment; returns the next line.
    private func consumeHTMLComment(from start: Int) -> Int {
        var index = start
        while index < lines.count {
            let line = lines[index]
            let string = text.string(line.start..<line.end)
            if index == start {
                if let open = string.range(of: "<!--"), string[open.upperBound...].contains("-->") {
                    return index + 1
                }
            } else if string.contains("-->") {
                return index + 1
            }
            index += 1
        }
        return index
    }

    // MARK: Fenced code

    private struct Fence {
        var marker: Unicode.Scalar
        var length: Int
        var language: String?
    }

    private func openingFence(_ line: ScalarText.Line) -> Fence? {
        // Fences inside list items are often indented further than CommonMark's three spaces;
        // accept any indentation.
        var index = text.firstNonSpace(of: line)
        guard index < line.end, text[index] == "`" || text[index] == "~" else { return nil }
        let marker = text[index]
        var length = 0
        while index < line.end, text[index] == marker {
            length += 1
            index += 1
        }
        guard length >= 3 else { return nil }
        let info = text.string(text.trimmed(index..<line.end))
        if marker == "`", info.contains("`") { return nil }
        let language = info.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "{" }).first.map(String.init)
        return Fence(marker: marker, length: length, language: language?.isEmpty == false ? language : nil)
    }

    private func closesFence(_ line: ScalarText.Line, _ fence: Fence) -> Bool {
        let content = text.trimmed(line.start..<line.end)
        guard content.count >= fence.length else { return false }
        return text.scalars[content].allSatisfy { $0 == fence.marker }
    }

    /// Emits the code block and returns the line after its closing fence (or the end of the text).
    private mutating func consumeFence(_ fence: Fence, openingLine: Int) -> Int {
        var index = openingLine + 1
        var firstContent: ScalarText.Line?
        var lastContent: ScalarText.Line?
        while index < lines.count {
            let line = lines[index]
            if closesFence(line, fence) { break }
            if !text.isBlank(line.start..<line.end) {
                if firstContent == nil { firstContent = line }
                lastContent = line
            }
            index += 1
        }
        if let first = firstContent, let last = lastContent {
            // Keep the first line's indentation relative to the fence out, the code's own structure in.
            let end = text.trimmed(first.start..<last.end).upperBound
            let start = text.firstNonSpace(of: first)
            blocks.append(Block(kind: .code, range: start..<end, chapterPath: chapterPath, codeLanguage: fence.language))
        }
        return min(index + 1, lines.count)
    }

    // MARK: Paragraphs and tables

    private func isTableDelimiterRow(_ line: ScalarText.Line) -> Bool {
        let content = text.scalars[text.trimmed(line.start..<line.end)]
        guard content.contains("-"), content.contains("|") || content.count >= 3 else { return false }
        return content.allSatisfy { $0 == "|" || $0 == "-" || $0 == ":" || $0 == " " || $0 == "\t" }
            && content.contains("|")
    }

    private func containsPipe(_ line: ScalarText.Line) -> Bool {
        text.scalars[line.start..<line.end].contains("|")
    }

    /// Emits the pending paragraph lines as prose and table blocks.
    private mutating func flushParagraph() {
        defer { paragraphLines.removeAll() }
        guard !paragraphLines.isEmpty else { return }
        var proseStart = 0
        var index = 1
        while index < paragraphLines.count {
            if isTableDelimiterRow(paragraphLines[index]), containsPipe(paragraphLines[index - 1]) {
                let tableStart = index - 1
                var tableEnd = index + 1
                while tableEnd < paragraphLines.count, containsPipe(paragraphLines[tableEnd]) { tableEnd += 1 }
                emit(.prose, lines: proseStart..<tableStart)
                emit(.table, lines: tableStart..<tableEnd)
                proseStart = tableEnd
                index = tableEnd + 1
            } else {
                index += 1
            }
        }
        emit(.prose, lines: proseStart..<paragraphLines.count)
    }

    private mutating func emit(_ kind: Section.Kind, lines range: Range<Int>) {
        guard !range.isEmpty else { return }
        let span = text.trimmed(paragraphLines[range.lowerBound].start..<paragraphLines[range.upperBound - 1].end)
        guard !span.isEmpty else { return }
        blocks.append(Block(kind: kind, range: span, chapterPath: chapterPath))
    }
}
