import Foundation

/// Reads Word documents (`.docx`) from `word/document.xml`.
///
/// - Paragraphs in a heading style (resolved through `word/styles.xml`: outline levels, built-in
///   heading names, or `HeadingN` ids, so localized documents work) set the chapter path.
/// - Every other paragraph with text is one ``Section/Kind/prose`` section; a paragraph in the
///   `Title` style becomes ``DocumentContent/title``.
/// - Tables become ``Section/Kind/table`` sections: one line per row, cells separated by `" | "`.
/// - Runs inside hyperlinks, insertions, content controls and simple fields are read; deleted text
///   and field instructions are not.
/// - Pages: where the document has page-break information (Word's rendered page breaks, explicit
///   page breaks, `pageBreakBefore`, section breaks), ``Section/page`` is the 1-based page where
///   the section starts; where it has none, `nil`.
public struct WordReader: DocumentReader {
    public var format: DocumentFormat { .word }

    /// Limits on the input.
    public var limits: DocumentReaderLimits

    /// Creates a reader.
    public init(limits: DocumentReaderLimits = .default) {
        self.limits = limits
    }

    public func read(_ source: DocumentSource) throws(DocumentReadError) -> DocumentContent {
        let package = try OfficePackage(source, limits: limits)
        let (documentPath, document) = try package.mainDocument(root: "document", fallback: "word/document.xml")
        guard let body = document.child("body") else {
            throw .malformedXML(path: source.displayName, part: documentPath, line: 1, reason: "no w:body element")
        }
        var styles = WordStyles()
        let styleRelationship = try package.relationships(of: documentPath).first { $0.kind == "styles" && !$0.isExternal }
        let stylesPath = styleRelationship?.target ?? "word/styles.xml"
        if package.contains(stylesPath) {
            styles = WordStyles(try package.xml(stylesPath))
        }
        var walker = WordBodyWalker(styles: styles)
        walker.walk(body)
        let (text, sections) = walker.finish()
        return DocumentContent(
            format: .word,
            text: text,
            sections: sections,
            title: walker.title ?? OfficeCoreProperties.title(in: package),
            contentHash: ContentHash.sha256(try source.loadData(limit: limits.maxFileBytes)))
    }
}

/// Walks a `w:body` in document order, tracking headings and pages.
struct WordBodyWalker {
    private let styles: WordStyles
    private var builder = DocumentTextBuilder()
    private var headings: [(level: Int, title: String)] = []
    private(set) var title: String?

    private var page = 1
    private var pendingPageBreak = false
    private var sawPageInformation = false
    private var emittedAnyText = false
    /// Consecutive code paragraphs, gathered into one code section.
    private var pendingCode: (lines: [String], page: Int)?
    /// Whether every run with text in the current paragraph was in a monospace font.
    private var monospaceRuns = 0
    private var otherRuns = 0

    init(styles: WordStyles) {
        self.styles = styles
    }

    /// The document text and sections; pages are dropped if the document had no page information.
    mutating func finish() -> (String, [Section]) {
        flushCode()
        var sections = builder.sections
        if !sawPageInformation {
            for index in sections.indices { sections[index].page = nil }
        }
        return (builder.text, sections)
    }

    /// Walks block-level content: paragraphs, tables, content controls.
    mutating func walk(_ container: XMLElementTree) {
        for element in container.elements {
            switch element.name {
            case "p": paragraph(element)
            case "tbl": table(element)
            case "sdt": if let content = element.child("sdtContent") { walk(content) }
            case "customXml", "ins", "moveTo": walk(element)
            case "AlternateContent": if let choice = element.child("Choice") { walk(choice) }
            default: continue
            }
        }
    }

    private var chapterPath: [String] { headings.map(\.title) }

    private mutating func paragraph(_ paragraph: XMLElementTree) {
        let properties = paragraph.child("pPr")
        if properties?.child("pageBreakBefore").map(isOn) == true { pageBreak() }
        var startPage: Int?
        var text = ""
        monospaceRuns = 0
        otherRuns = 0
        runs(in: paragraph, into: &text, startPage: &startPage)
        let styleID = properties?.child("pStyle")?.attribute("val")
        let isCode = styleID.map { styles.isCodeStyle(styleID: $0) } == true || (monospaceRuns > 0 && otherRuns == 0)
        if text.trimmingWhitespace().isEmpty {
            // An empty paragraph neither adds text nor ends a code block.
        } else if isCode, headingLevelIsAbsent(properties, styleID) {
            if pendingCode == nil { pendingCode = ([], startPage ?? page) }
            pendingCode?.lines.append(text)
        } else {
            flushCode()
            bodyParagraph(text, properties: properties, styleID: styleID, startPage: startPage)
        }
        // A paragraph carrying section properties ends a section; unless continuous, the next starts a page.
        if let section = properties?.child("sectPr") {
            let type = section.child("type")?.attribute("val") ?? "nextPage"
            if type != "continuous" { pageBreak() }
        }
    }

    private mutating func bodyParagraph(_ text: String, properties: XMLElementTree?, styleID: String?, startPage: Int?) {
        let directOutline = properties?.child("outlineLvl")?.attribute("val").flatMap { Int($0) }
        let headingLevel = directOutline.map { (0...8).contains($0) ? $0 + 1 : nil } ?? styleID.flatMap(styles.headingLevel)
        let content = text.trimmingWhitespace()
        if !content.isEmpty {
            if let level = headingLevel {
                while let last = headings.last, last.level >= level { headings.removeLast() }
                headings.append((level, content.collapsingWhitespace()))
            } else if let styleID, styles.isTitle(styleID: styleID), title == nil {
                title = content.collapsingWhitespace()
            } else {
                builder.append(content, chapterPath: chapterPath, page: startPage ?? page)
            }
        }
    }

    private func headingLevelIsAbsent(_ properties: XMLElementTree?, _ styleID: String?) -> Bool {
        properties?.child("outlineLvl") == nil && styleID.flatMap(styles.headingLevel) == nil
    }

    /// Emits the gathered code paragraphs as one code section.
    private mutating func flushCode() {
        guard let code = pendingCode else { return }
        pendingCode = nil
        builder.append(code.lines.joined(separator: "\n"), chapterPath: chapterPath, page: code.page, kind: .code)
    }

    private mutating func table(_ table: XMLElementTree) {
        flushCode()
        var startPage: Int?
        var rows: [String] = []
        for row in table.children(named: "tr") {
            var cells: [String] = []
            for cell in row.children(named: "tc") {
                var cellText = ""
                cellContent(cell, into: &cellText, startPage: &startPage)
                cells.append(cellText.collapsingWhitespace())
            }
            if cells.contains(where: { !$0.isEmpty }) {
                rows.append(cells.joined(separator: " | "))
            }
        }
        if !rows.isEmpty {
            builder.append(rows.joined(separator: "\n"), chapterPath: chapterPath, page: startPage ?? page, kind: .table)
        }
    }

    /// The text of a table cell's paragraphs (and nested tables), separated by spaces.
    private mutating func cellContent(_ container: XMLElementTree, into text: inout String, startPage: inout Int?) {
        for element in container.elements {
            switch element.name {
            case "p":
                runs(in: element, into: &text, startPage: &startPage)
                text += " "
            case "tbl", "tr", "tc", "customXml":
                cellContent(element, into: &text, startPage: &startPage)
            case "sdt":
                if let content = element.child("sdtContent") { cellContent(content, into: &text, startPage: &startPage) }
            default: continue
            }
        }
    }

    /// Appends the text of the runs below `element`, noting the page where text starts.
    private mutating func runs(in element: XMLElementTree, into text: inout String, startPage: inout Int?) {
        for child in element.elements {
            switch child.name {
            case "r":
                let hasText = child.elements.contains { $0.name == "t" && !$0.textContent.trimmingWhitespace().isEmpty }
                if hasText {
                    if let fonts = child.path("rPr", "rFonts"), Self.isMonospace(fonts) { monospaceRuns += 1 } else { otherRuns += 1 }
                }
                for part in child.elements {
                    switch part.name {
                    case "t":
                        let value = part.textContent
                        if !value.isEmpty { emitted(&startPage) }
                        text += value
                    case "tab", "ptab": text += "\t"
                    case "br":
                        if part.attribute("type") == "page" {
                            pageBreak()
                        } else {
                            text += "\n"
                        }
                    case "cr": text += "\n"
                    case "noBreakHyphen": text += "-"
                    case "lastRenderedPageBreak": pageBreak()
                    default: continue
                    }
                }
            case "hyperlink", "ins", "smartTag", "fldSimple", "customXml", "moveTo", "dir", "bdo":
                runs(in: child, into: &text, startPage: &startPage)
            case "sdt":
                if let content = child.child("sdtContent") { runs(in: content, into: &text, startPage: &startPage) }
            case "AlternateContent":
                if let choice = child.child("Choice") { runs(in: choice, into: &text, startPage: &startPage) }
            default:
                continue  // pPr, del, moveFrom, bookmarks, comments, proofing marks
            }
        }
    }

    /// A page break seen: the next text starts a new page (several breaks before any text count once).
    private mutating func pageBreak() {
        sawPageInformation = true
        if emittedAnyText { pendingPageBreak = true }
    }

    private mutating func emitted(_ startPage: inout Int?) {
        if pendingPageBreak {
            page += 1
            pendingPageBreak = false
        }
        emittedAnyText = true
        if startPage == nil { startPage = page }
    }

    private static let monospaceFonts = [
        "consolas", "courier", "menlo", "monaco", "mono", "lucida console", "source code", "fira code", "cascadia", "inconsolata",
    ]

    /// Whether a run's fonts (`w:rFonts`) name a monospace face.
    static func isMonospace(_ fonts: XMLElementTree) -> Bool {
        let names = [fonts.attribute("ascii"), fonts.attribute("hAnsi")].compactMap { $0?.lowercased() }
        return names.contains { name in monospaceFonts.contains { name.contains($0) } }
    }

    private func isOn(_ element: XMLElementTree) -> Bool {
        guard let value = element.attribute("val") else { return true }
        return !["0", "false", "off"].contains(value.lowercased())
    }
}
