/// Assembles the extracted text of a non-verbatim document (PPTX, DOCX, PDF) and its sections,
/// keeping each section's Unicode-scalar range in the assembled text. Sections are separated by a
/// blank line.
struct DocumentTextBuilder {
    private(set) var text = ""
    private(set) var sections: [Section] = []
    private var scalarCount = 0

    /// Appends a section unless its text is blank; the text is trimmed of surrounding whitespace.
    mutating func append(
        _ rawText: String,
        chapterPath: [String],
        page: Int?,
        kind: Section.Kind = .prose
    ) {
        let trimmed = rawText.trimmingWhitespace()
        guard !trimmed.isEmpty else { return }
        if scalarCount > 0 {
            text += "\n\n"
            scalarCount += 2
        }
        let length = trimmed.unicodeScalars.count
        let range = scalarCount..<(scalarCount + length)
        text += trimmed
        scalarCount += length
        sections.append(Section(text: trimmed, chapterPath: chapterPath, page: page, kind: kind, textRange: range))
    }
}

extension String {
    /// The string without leading and trailing white space and newlines (Unicode-aware).
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }

    /// The string with every run of white space (newlines included) collapsed into one space, trimmed.
    func collapsingWhitespace() -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(scalar)
            }
        }
        return String(result)
    }
}
