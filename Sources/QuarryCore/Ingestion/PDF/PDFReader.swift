import Foundation

/// Reads PDF files through poppler's `pdftotext` (Debian package `poppler-utils`).
///
/// `pdftotext -enc UTF-8` (in reading order, not `-layout`) writes the text with a form feed after
/// each page; page *n* (1-based) is the text before the *n*-th form feed. Each page's paragraphs
/// (separated by blank lines) become ``Section/Kind/prose`` sections with ``Section/page`` set;
/// lines broken inside a paragraph are joined (without a space between CJK characters, with one
/// otherwise, and words hyphenated at a line end are rejoined).
///
/// Chapters come from `pdftohtml -xml` (same package): lines set in a font clearly larger than the
/// body text are headings (levels by font size, or by the outline's nesting where the outline has
/// the same title), and lines in a monospace font become ``Section/Kind/code`` sections. A PDF
/// without larger-font headings takes each page's chapter path from its outline (bookmarks), if it
/// has one. Page numbers and running headers/footers are left out.
public struct PDFReader: DocumentReader {
    public var format: DocumentFormat { .pdf }

    /// Limits on the input.
    public var limits: DocumentReaderLimits
    /// Path to `pdftotext`; `nil` searches `PATH`.
    public var pdftotextPath: String?
    /// Path to `pdftohtml` (for the outline); `nil` searches `PATH`. A missing `pdftohtml` only
    /// means no chapters.
    public var pdftohtmlPath: String?
    /// Whether headings, code and the outline are read with `pdftohtml -xml` (default `true`).
    public var readsLayout: Bool
    /// The longest a poppler run may take, in seconds (default 120).
    public var timeout: TimeInterval

    static let installHint = "install poppler-utils (Debian: apt-get install poppler-utils; macOS: brew install poppler)"

    /// Creates a reader.
    public init(
        limits: DocumentReaderLimits = .default,
        pdftotextPath: String? = nil,
        pdftohtmlPath: String? = nil,
        readsLayout: Bool = true,
        timeout: TimeInterval = 120
    ) {
        self.limits = limits
        self.pdftotextPath = pdftotextPath
        self.pdftohtmlPath = pdftohtmlPath
        self.readsLayout = readsLayout
        self.timeout = timeout
    }

    /// Whether `pdftotext` can be found.
    public var isAvailable: Bool {
        (try? ExternalTool(name: "pdftotext", executablePath: pdftotextPath, installHint: Self.installHint).locate()) != nil
    }

    public func read(_ source: DocumentSource) throws(DocumentReadError) -> DocumentContent {
        let pdftotext = ExternalTool(name: "pdftotext", executablePath: pdftotextPath, installHint: Self.installHint)
        _ = try pdftotext.locate()
        let data = try source.loadData(limit: limits.maxFileBytes)
        guard data.starts(with: Array("%PDF-".utf8)) || data.prefix(1024).range(of: Data("%PDF-".utf8)) != nil else {
            throw .toolFailed(tool: "pdftotext", path: source.displayName, status: -1, message: "not a PDF file (no %PDF- header)")
        }
        // poppler reads files; write in-memory documents (and copy nothing for files).
        let fileManager = FileManager.default
        let inputURL: URL
        var temporary: URL?
        switch source {
        case .file(let url):
            inputURL = url
        case .data:
            let url = fileManager.temporaryDirectory.appendingPathComponent("quarry-\(UUID().uuidString).pdf")
            do {
                try data.write(to: url)
            } catch {
                throw .unreadableFile(path: source.displayName, reason: "cannot write a temporary copy: \(error.localizedDescription)")
            }
            inputURL = url
            temporary = url
        }
        defer { if let temporary { try? fileManager.removeItem(at: temporary) } }

        let output = try pdftotext.run(["-q", "-enc", "UTF-8", "-eol", "unix", inputURL.path, "-"], document: source.displayName, timeout: timeout)
        let text = String(decoding: output, as: UTF8.self)
        var pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: false).map(String.init)
        if pages.count > 1, pages.last?.trimmingWhitespace().isEmpty == true { pages.removeLast() }

        var layout = PDFLayout()
        if readsLayout {
            let pdftohtml = ExternalTool(name: "pdftohtml", executablePath: pdftohtmlPath, installHint: Self.installHint)
            if let xml = try? pdftohtml.run(["-q", "-xml", "-i", "-stdout", "-nodrm", inputURL.path], document: source.displayName, timeout: timeout)
            {
                layout = PDFLayout(pdftohtmlXML: xml)
            }
        }
        let blocks = Self.removingRunningHeadersAndFooters(Self.blocks(pages: pages, layout: layout)) { $0.kind == .prose ? $0.text : nil }
        var builder = DocumentTextBuilder()
        for (index, pageBlocks) in blocks.enumerated() {
            for block in pageBlocks {
                builder.append(block.text, chapterPath: block.chapterPath, page: index + 1, kind: block.kind)
            }
        }
        return DocumentContent(
            format: .pdf,
            text: builder.text,
            sections: builder.sections,
            title: layout.outline.first(where: { $0.depth == 0 })?.title,
            contentHash: ContentHash.sha256(data))
    }

    /// A paragraph, code block or table cell of a page.
    struct Block: Sendable, Hashable {
        var text: String
        var kind: Section.Kind
        var chapterPath: [String]
    }

    /// Splits each page's `pdftotext` lines into blocks: blank lines end a block; lines that the
    /// layout marks as headings set the chapter path (or, without such lines, the outline gives each
    /// page's path); consecutive monospace lines form code blocks; other lines are joined into
    /// paragraphs.
    static func blocks(pages: [String], layout: PDFLayout) -> [[Block]] {
        let useHeadings = !layout.headings.isEmpty
        var headings: [(level: Int, title: String)] = []
        var result: [[Block]] = []
        for (index, page) in pages.enumerated() {
            let number = index + 1
            let pagePath = useHeadings ? [] : PDFOutline.chapterPath(forPage: number, in: layout.outline)
            var blocks: [Block] = []
            var current: [String] = []
            var currentIsCode = false
            func flush() {
                if !current.isEmpty {
                    let text = currentIsCode ? current.joined(separator: "\n") : joinLines(current)
                    blocks.append(
                        Block(text: text, kind: currentIsCode ? .code : .prose, chapterPath: useHeadings ? headings.map(\.title) : pagePath))
                }
                current.removeAll()
            }
            for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = String(line).trimmingWhitespace()
                guard !trimmed.isEmpty else {
                    flush()
                    continue
                }
                let key = PDFLayout.key(trimmed)
                if useHeadings, let level = layout.headings[number]?[key] {
                    flush()
                    while let last = headings.last, last.level >= level { headings.removeLast() }
                    headings.append((level, trimmed.collapsingWhitespace()))
                    continue
                }
                let isCode = layout.isCode(key: key, page: number)
                if isCode != currentIsCode {
                    flush()
                    currentIsCode = isCode
                }
                current.append(trimmed)
            }
            flush()
            result.append(blocks)
        }
        return result
    }

    /// Drops page furniture: a first or last paragraph of a page that is only a page number
    /// (`7`, `- 7 -`, `Page 7 of 30`), and a first or last paragraph that recurs (digits aside) at
    /// the same end of at least three pages and half of all pages (running headers and footers).
    /// `text` gives an item's text, or `nil` for items that are never furniture.
    static func removingRunningHeadersAndFooters<Item>(_ pages: [[Item]], text: (Item) -> String?) -> [[Item]] {
        func shape(_ paragraph: String) -> String {
            String(String.UnicodeScalarView(paragraph.unicodeScalars.map { $0.properties.numericType != nil && $0.isASCII ? "#" : $0 }))
        }
        func isPageNumber(_ paragraph: String) -> Bool {
            let letters = paragraph.unicodeScalars.filter { $0.properties.isAlphabetic }
            let lower = paragraph.lowercased()
            guard paragraph.unicodeScalars.contains(where: { $0.properties.numericType != nil }), paragraph.count <= 20 else { return false }
            return letters.isEmpty || lower.hasPrefix("page") || lower.hasPrefix("第") && lower.hasSuffix("页")
        }
        var firstCounts: [String: Int] = [:]
        var lastCounts: [String: Int] = [:]
        for page in pages {
            if let first = page.first.flatMap(text) { firstCounts[shape(first), default: 0] += 1 }
            if page.count > 1, let last = page.last.flatMap(text) { lastCounts[shape(last), default: 0] += 1 }
        }
        let threshold = max(3, (pages.count + 1) / 2)
        return pages.map { page in
            var page = page
            if let last = page.last.flatMap(text), isPageNumber(last) || lastCounts[shape(last), default: 0] >= threshold {
                page.removeLast()
            }
            if page.count > 1, let first = page.first.flatMap(text), isPageNumber(first) || firstCounts[shape(first), default: 0] >= threshold {
                page.removeFirst()
            }
            return page
        }
    }

    /// Splits a page's text into paragraphs at blank lines and joins the lines of each paragraph.
    static func paragraphs(_ page: String) -> [String] {
        var result: [String] = []
        var current: [String] = []
        func flush() {
            if !current.isEmpty { result.append(joinLines(current)) }
            current.removeAll()
        }
        for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = String(line).trimmingWhitespace()
            if trimmed.isEmpty { flush() } else { current.append(trimmed) }
        }
        flush()
        return result
    }

    /// Joins wrapped lines: no space between two CJK characters, a hyphen at a line end before a
    /// lower-case letter is dropped, otherwise one space.
    static func joinLines(_ lines: [String]) -> String {
        var result = ""
        for line in lines {
            guard let previous = result.unicodeScalars.last, let next = line.unicodeScalars.first else {
                result += line
                continue
            }
            if previous == "-", result.unicodeScalars.count >= 2,
                result.unicodeScalars.dropLast().last.map({ $0.properties.isLowercase }) == true,
                next.properties.isLowercase
            {
                result.unicodeScalars.removeLast()
                result += line
            } else if CharacterClass.isCJK(previous) && CharacterClass.isCJK(next) {
                result += line
            } else {
                result += " " + line
            }
        }
        return result
    }
}
