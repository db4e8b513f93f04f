import Foundation

/// What `pdftohtml -xml` tells about a PDF beyond its plain text: the outline, and per page the
/// lines set in a heading-sized font or in a monospace font.
///
/// The body font size is the size that sets the most characters; a line at least 15% larger and
/// at most 120 characters long is a heading, its level given by the rank of its size among the
/// heading sizes (largest = 1) unless the outline has an entry with the same title, whose depth
/// then gives the level. Lines are matched to `pdftotext`'s lines by their text without white space.
struct PDFLayout: Sendable {
    /// The outline entries.
    private(set) var outline: [PDFOutline.Entry] = []
    /// Per page (1-based): heading lines (text without white space) and their levels (1-based).
    private(set) var headings: [Int: [String: Int]] = [:]
    /// Per page: lines set in a monospace font (text without white space).
    private(set) var codeLines: [Int: Set<String>] = [:]

    static let headingScale = 1.15
    static let maxHeadingLength = 120
    private static let monospaceFamilies = ["mono", "courier", "consolas", "menlo", "monaco", "code", "inconsolata"]

    init() {}

    /// Reads the layout from `pdftohtml -xml` output; an unreadable document gives an empty layout.
    init(pdftohtmlXML data: Data) {
        guard let root = try? XMLElementTree.parse(Self.sanitize(data), document: "pdf", part: "pdftohtml") else { return }
        outline = PDFOutline.entries(in: root)

        struct Line {
            var page: Int
            var top: Int
            var left: Int
            var font: String
            var text: String
        }
        var fonts: [String: (size: Double, family: String)] = [:]
        var lines: [Line] = []
        for page in root.children(named: "page") {
            guard let number = page.attribute("number").flatMap(Int.init) else { continue }
            for element in page.elements {
                if element.name == "fontspec", let id = element.attribute("id") {
                    fonts[id] = (Double(element.attribute("size") ?? "") ?? 0, element.attribute("family")?.lowercased() ?? "")
                } else if element.name == "text" {
                    lines.append(
                        Line(
                            page: number,
                            top: Int(element.attribute("top") ?? "") ?? 0,
                            left: Int(element.attribute("left") ?? "") ?? 0,
                            font: element.attribute("font") ?? "",
                            text: element.textContent))
                }
            }
        }
        // Join the pieces of one visual line (same page and top; font subsets may differ), left to
        // right, keeping the font of the largest piece.
        var merged: [Line] = []
        for line in lines.sorted(by: { ($0.page, $0.top, $0.left) < ($1.page, $1.top, $1.left) }) {
            if let last = merged.last, last.page == line.page, abs(last.top - line.top) <= 2 {
                merged[merged.count - 1].text += " " + line.text
                if (fonts[line.font]?.size ?? 0) > (fonts[last.font]?.size ?? 0) { merged[merged.count - 1].font = line.font }
            } else {
                merged.append(line)
            }
        }
        var charactersBySize: [Double: Int] = [:]
        for line in merged {
            guard let size = fonts[line.font]?.size else { continue }
            charactersBySize[size, default: 0] += line.text.unicodeScalars.filter { !$0.properties.isWhitespace }.count
        }
        guard let bodySize = charactersBySize.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) })?.key, bodySize > 0 else { return }
        let headingLines = merged.filter { line in
            guard let size = fonts[line.font]?.size, size >= bodySize * Self.headingScale else { return false }
            let key = Self.key(line.text)
            return !key.isEmpty && key.count <= Self.maxHeadingLength && key.unicodeScalars.contains { $0.properties.isAlphabetic }
        }
        let sizes = Set(headingLines.compactMap { fonts[$0.font]?.size }).sorted(by: >)
        let outlineDepth = Dictionary(outline.map { (Self.key($0.title), $0.depth) }, uniquingKeysWith: { first, _ in first })
        for line in headingLines {
            let key = Self.key(line.text)
            let level = outlineDepth[key].map { $0 + 1 } ?? ((sizes.firstIndex(of: fonts[line.font]!.size) ?? 0) + 1)
            headings[line.page, default: [:]][key] = level
        }
        for line in merged {
            guard let family = fonts[line.font]?.family, Self.monospaceFamilies.contains(where: family.contains) else { continue }
            let key = Self.key(line.text)
            if !key.isEmpty { codeLines[line.page, default: []].insert(key) }
        }
    }

    /// Whether the `pdftotext` line with `key` on `page` was set in a monospace font: it is one of
    /// the page's monospace lines, or (at four characters or more) a piece of one, since
    /// `pdftotext` breaks lines at wide gaps that `pdftohtml` keeps.
    func isCode(key: String, page: Int) -> Bool {
        guard let lines = codeLines[page] else { return false }
        if lines.contains(key) { return true }
        return key.count >= 4 && lines.contains { $0.contains(key) }
    }

    /// The comparison key of a line: its text without white space.
    static func key(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { !$0.properties.isWhitespace }))
    }

    /// `pdftohtml` output may hold a DOCTYPE line and control characters that XMLParser rejects.
    private static func sanitize(_ data: Data) -> Data {
        var text = String(decoding: data, as: UTF8.self)
        if let doctype = text.range(of: "<!DOCTYPE"), let end = text[doctype.upperBound...].firstIndex(of: ">") {
            text.removeSubrange(doctype.lowerBound...end)
        }
        let cleaned = String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter {
                    $0 == "\n" || $0 == "\t" || $0 == "\r" || $0.value >= 0x20
                }))
        return Data(cleaned.utf8)
    }
}
