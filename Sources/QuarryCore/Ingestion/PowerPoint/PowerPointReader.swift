import Foundation

/// Reads PowerPoint presentations (`.pptx`): one chapter per slide in presentation order.
///
/// Slides are taken in the order of `ppt/presentation.xml`'s slide list (through its
/// relationships), so the slide number is the position in the show, not the part's file name.
/// For each slide:
/// - ``Section/page`` is the 1-based slide number;
/// - the chapter path is the slide's title (its `title` or `ctrTitle` placeholder), preceded by the
///   name of the presentation section the slide is in, if the deck has sections;
/// - every other text shape (groups included) gives one ``Section/Kind/prose`` section per
///   paragraph, tables give one ``Section/Kind/table`` section (a row a line, cells separated by
///   `" | "`), and the speaker notes (`ppt/notesSlides`, through the slide's relationships) follow
///   as prose sections. Dates, footers and slide-number placeholders are left out.
public struct PowerPointReader: DocumentReader {
    public var format: DocumentFormat { .powerPoint }

    /// Limits on the input.
    public var limits: DocumentReaderLimits
    /// Whether speaker notes are read (default `true`).
    public var includeNotes: Bool

    /// Creates a reader.
    public init(limits: DocumentReaderLimits = .default, includeNotes: Bool = true) {
        self.limits = limits
        self.includeNotes = includeNotes
    }

    public func read(_ source: DocumentSource) throws(DocumentReadError) -> DocumentContent {
        let package = try OfficePackage(source, limits: limits)
        let (presentationPath, presentation) = try package.mainDocument(root: "presentation", fallback: "ppt/presentation.xml")
        let relationships = try package.relationships(of: presentationPath)
        let targets = Dictionary(relationships.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

        let slideList = presentation.child("sldIdLst")?.children(named: "sldId") ?? []
        var slidePaths: [(id: String, path: String)] = slideList.compactMap { slide in
            guard let relationshipID = slide.attributes["r:id"] ?? relationshipAttribute(slide),
                let target = targets[relationshipID], !target.isExternal
            else { return nil }
            return (slide.attribute("id") ?? "", target.target)
        }
        if slideList.isEmpty {
            // A presentation without a slide list: fall back to the slide relationships in id order.
            slidePaths = relationships.filter { $0.kind == "slide" && !$0.isExternal }.map { ("", $0.target) }
        }
        let sectionNames = Self.sectionNames(presentation)

        var builder = DocumentTextBuilder()
        var firstTitle: String?
        for (index, slide) in slidePaths.enumerated() {
            let number = index + 1
            let slideXML = try package.xml(slide.path)
            var content = SlideContent()
            if let tree = slideXML.path("cSld", "spTree") {
                content.collect(tree)
            }
            var chapterPath: [String] = []
            if let sectionName = sectionNames[slide.id] { chapterPath.append(sectionName) }
            if let title = content.title {
                chapterPath.append(title)
                if firstTitle == nil { firstTitle = title }
            }
            for block in content.blocks {
                builder.append(block.text, chapterPath: chapterPath, page: number, kind: block.kind)
            }
            if includeNotes {
                let slideRelationships = try package.relationships(of: slide.path)
                if let notes = slideRelationships.first(where: { $0.kind == "notesSlide" && !$0.isExternal }),
                    package.contains(notes.target)
                {
                    var notesContent = SlideContent(notes: true)
                    if let tree = try package.xml(notes.target).path("cSld", "spTree") {
                        notesContent.collect(tree)
                    }
                    for block in notesContent.blocks {
                        builder.append(block.text, chapterPath: chapterPath, page: number, kind: block.kind)
                    }
                }
            }
        }
        return DocumentContent(
            format: .powerPoint,
            text: builder.text,
            sections: builder.sections,
            title: OfficeCoreProperties.title(in: package) ?? firstTitle,
            contentHash: ContentHash.sha256(try source.loadData(limit: limits.maxFileBytes)))
    }

    private func relationshipAttribute(_ element: XMLElementTree) -> String? {
        element.attributes.first { $0.key.hasSuffix(":id") }?.value
    }

    /// Presentation section names by slide id (PowerPoint 2010 `p14:sectionLst`).
    static func sectionNames(_ presentation: XMLElementTree) -> [String: String] {
        guard let extensions = presentation.child("extLst") else { return [:] }
        var result: [String: String] = [:]
        for ext in extensions.children(named: "ext") {
            guard let list = ext.child("sectionLst") else { continue }
            for section in list.children(named: "section") {
                guard let name = section.attribute("name")?.collapsingWhitespace(), !name.isEmpty else { continue }
                for slide in section.child("sldIdLst")?.children(named: "sldId") ?? [] {
                    if let id = slide.attribute("id") { result[id] = name }
                }
            }
        }
        return result
    }
}

/// The text of one slide or notes page, collected from its shape tree.
struct SlideContent {
    struct Block {
        var text: String
        var kind: Section.Kind
    }

    /// Placeholders whose text is not content.
    private static let skippedPlaceholders: Set<String> = ["dt", "ftr", "sldNum", "hdr", "sldImg"]

    let notes: Bool
    private(set) var title: String?
    private(set) var blocks: [Block] = []

    init(notes: Bool = false) {
        self.notes = notes
    }

    mutating func collect(_ tree: XMLElementTree) {
        for element in tree.elements {
            switch element.name {
            case "sp":
                shape(element)
            case "grpSp":
                collect(element)
            case "graphicFrame":
                if let table = element.descendant("tbl") { self.table(table) }
            case "AlternateContent":
                if let choice = element.child("Choice") { collect(choice) }
            default:
                continue
            }
        }
    }

    private mutating func shape(_ shape: XMLElementTree) {
        let placeholder = shape.path("nvSpPr", "nvPr", "ph")
        let type = placeholder?.attribute("type")
        if let type, Self.skippedPlaceholders.contains(type) { return }
        guard let body = shape.child("txBody") else { return }
        let paragraphs = body.children(named: "p").map(Self.paragraphText).filter { !$0.trimmingWhitespace().isEmpty }
        if !notes, type == "title" || type == "ctrTitle" {
            let text = paragraphs.joined(separator: " ").collapsingWhitespace()
            if title == nil, !text.isEmpty {
                title = text
                return
            }
        }
        if notes, placeholder != nil, type != "body" { return }
        for paragraph in paragraphs {
            blocks.append(Block(text: paragraph, kind: .prose))
        }
    }

    private mutating func table(_ table: XMLElementTree) {
        let rows = table.children(named: "tr").map { row in
            row.children(named: "tc").map { cell in
                (cell.child("txBody")?.children(named: "p") ?? []).map(Self.paragraphText).joined(separator: " ").collapsingWhitespace()
            }.joined(separator: " | ")
        }.filter { !$0.replacingOccurrences(of: "|", with: "").trimmingWhitespace().isEmpty }
        if !rows.isEmpty {
            blocks.append(Block(text: rows.joined(separator: "\n"), kind: .table))
        }
    }

    /// The text of a DrawingML paragraph (`a:p`): runs, fields and line breaks.
    static func paragraphText(_ paragraph: XMLElementTree) -> String {
        var text = ""
        for element in paragraph.elements {
            switch element.name {
            case "r", "fld": text += element.child("t")?.textContent ?? ""
            case "br": text += "\n"
            default: continue
            }
        }
        return text
    }
}
