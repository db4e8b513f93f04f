import Foundation
import FuzzSupport
import QuarryCore
import ZIPFoundation

/// What the first input byte makes of the bytes after it.
private enum Mode: CaseIterable {
    /// A Markdown file.
    case markdown
    /// A `.docx` file as uploaded: ZIP container and all.
    case wordFile
    /// A `.pptx` file as uploaded.
    case powerPointFile
    /// Parts of a `.docx` (see ``officePackage(_:)``), zipped here with correct checksums so that
    /// mutations reach the XML instead of failing the ZIP checksum.
    case wordParts
    /// Parts of a `.pptx`, zipped the same way.
    case powerPointParts
}

private let markdownReader = MarkdownReader()
private let wordReader = WordReader()
private let powerPointReader = PowerPointReader()

/// The input as an uploaded Markdown, Word or PowerPoint document (the first byte chooses which,
/// and whether the rest is the file or its parts), read as ingestion does. Refusals are
/// expected; crashes are bugs, and so are sections that break what ``DocumentContent`` promises.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let input = FuzzInput(start, count).choice(among: Mode.allCases.count) else { return 0 }
    let content: DocumentContent?
    switch Mode.allCases[input.choice] {
    case .markdown: content = try? markdownReader.read(data: Data(input.rest), name: "fuzz.md")
    case .wordFile: content = try? wordReader.read(data: Data(input.rest), name: "fuzz.docx")
    case .powerPointFile: content = try? powerPointReader.read(data: Data(input.rest), name: "fuzz.pptx")
    case .wordParts: content = try? wordReader.read(data: officePackage(input.rest), name: "fuzz.docx")
    case .powerPointParts: content = try? powerPointReader.read(data: officePackage(input.rest), name: "fuzz.pptx")
    }
    if let content { checkSections(content) }
    return 0
}

/// A ZIP archive (entries stored, checksums correct) of the parts in `bytes`: part names and
/// contents, alternating, separated by NUL bytes (`word/document.xml\0<w:document …>\0…`).
private func officePackage(_ bytes: [UInt8]) -> Data {
    let fields = bytes.split(separator: 0, omittingEmptySubsequences: false)
    guard let archive = try? Archive(data: Data(), accessMode: .create, pathEncoding: nil) else {
        fatalError("cannot create an in-memory ZIP archive")
    }
    for index in stride(from: 0, to: fields.count, by: 2) {
        let name = String(decoding: fields[index], as: UTF8.self)
        let content = index + 1 < fields.count ? Data(fields[index + 1]) : Data()
        try? archive.addEntry(with: name, type: .file, uncompressedSize: Int64(content.count)) { position, size in
            content.subdata(in: Int(position)..<Int(position) + size)
        }
    }
    return archive.data ?? Data()
}

/// Checks what ``DocumentContent`` promises: sections in reading order that never overlap, each
/// exactly the text of its ``Section/textRange``; for Markdown, spans equal to those ranges.
private func checkSections(_ content: DocumentContent) {
    let scalars = Array(content.text.unicodeScalars)
    var previousEnd = 0
    for section in content.sections {
        let range = section.textRange
        require(range.lowerBound >= previousEnd && range.upperBound <= scalars.count,
                "section range \(range) overlaps the one before (ending at \(previousEnd)) or passes the text's \(scalars.count) scalars")
        require(section.text.unicodeScalars.elementsEqual(scalars[range]), "a section's text is not the text at \(range)")
        if content.format == .markdown {
            require(section.span?.range == range, "Markdown section span \(String(describing: section.span)) is not its range \(range)")
        }
        previousEnd = range.upperBound
    }
}
