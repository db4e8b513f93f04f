import Foundation

/// The paragraph styles of a Word document (`word/styles.xml`), resolved to heading levels.
///
/// A style is a heading when it (or a style it is based on) has an outline level 0–8 (level 1–9
/// here); built-in heading styles carry one in every language. Without an outline level, a style
/// named `heading N` (any case) or with the id `HeadingN` is a heading of level N, so documents
/// written by tools that leave out outline levels still work. A style named `Title` marks the
/// document title.
struct WordStyles: Sendable {
    private struct Style: Sendable {
        var name: String?
        var basedOn: String?
        var outlineLevel: Int?
    }

    private var styles: [String: Style] = [:]

    /// No styles: only `HeadingN` style ids are recognised.
    init() {}

    /// Reads the paragraph styles of a `w:styles` element.
    init(_ root: XMLElementTree) {
        for style in root.children(named: "style") where (style.attribute("type") ?? "paragraph") == "paragraph" {
            guard let id = style.attribute("styleId") else { continue }
            let outline = style.path("pPr", "outlineLvl")?.attribute("val").flatMap { Int($0) }
            styles[id] = Style(
                name: style.child("name")?.attribute("val"),
                basedOn: style.child("basedOn")?.attribute("val"),
                outlineLevel: outline)
        }
    }

    /// The heading level (1-based) of the paragraph style `styleId`, or `nil` for body text.
    func headingLevel(styleID: String) -> Int? {
        var current: String? = styleID
        var visited: Set<String> = []
        while let id = current, !visited.contains(id), visited.count < 16 {
            visited.insert(id)
            guard let style = styles[id] else { break }
            if let level = style.outlineLevel {
                return (0...8).contains(level) ? level + 1 : nil
            }
            if let name = style.name, let level = Self.headingNumber(name) { return level }
            current = style.basedOn
        }
        if let name = styles[styleID]?.name, let level = Self.headingNumber(name) { return level }
        return Self.headingNumber(styleID)
    }

    /// Whether the style is the document title style.
    func isTitle(styleID: String) -> Bool {
        if styleID.lowercased() == "title" { return true }
        return styles[styleID]?.name?.lowercased() == "title"
    }

    /// Whether the paragraph style is meant for code (its name or id mentions code, source,
    /// preformatted text, verbatim text or a listing).
    func isCodeStyle(styleID: String) -> Bool {
        let names = [styleID, styles[styleID]?.name ?? ""].map { $0.lowercased() }
        return names.contains { name in
            ["code", "source", "preformatted", "verbatim", "listing"].contains { name.contains($0) }
        }
    }

    /// `N` for `heading N`, `Heading N`, `HeadingN` (N in 1...9).
    static func headingNumber(_ name: String) -> Int? {
        let lower = name.lowercased()
        guard lower.hasPrefix("heading") else { return nil }
        let rest = lower.dropFirst("heading".count).trimmingCharacters(in: .whitespaces)
        guard let level = Int(rest), (1...9).contains(level) else { return nil }
        return level
    }
}
