/// A PDF's outline (bookmarks) as printed by `pdftohtml -xml`, mapped to pages.
enum PDFOutline {
    /// One outline entry.
    struct Entry: Sendable, Hashable {
        var title: String
        var page: Int
        var depth: Int
    }

    /// The entries of the `<outline>` element of a `pdftohtml -xml` document, in document order
    /// with their nesting depth (0 = top level); entries without a page are skipped.
    static func entries(in root: XMLElementTree) -> [Entry] {
        guard let outline = root.child("outline") else { return [] }
        var result: [Entry] = []
        func walk(_ element: XMLElementTree, depth: Int) {
            for child in element.elements {
                if child.name == "item" {
                    let title = child.textContent.collapsingWhitespace()
                    if let page = child.attribute("page").flatMap(Int.init), !title.isEmpty {
                        result.append(Entry(title: title, page: page, depth: depth))
                    }
                } else if child.name == "outline" {
                    walk(child, depth: depth + 1)
                }
            }
        }
        walk(outline, depth: 0)
        return result
    }

    /// The chapter path on `page`: the last entry starting on or before it, with its ancestors.
    static func chapterPath(forPage page: Int, in entries: [Entry]) -> [String] {
        var stack: [Entry] = []
        for entry in entries where entry.page <= page {
            while let last = stack.last, last.depth >= entry.depth { stack.removeLast() }
            stack.append(entry)
        }
        return stack.map(\.title)
    }
}
