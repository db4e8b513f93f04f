import Foundation
import Testing

@testable import QuarryCore

@Suite struct TextReaderTests {
    @Test func plainTextParagraphs() {
        let text = "First paragraph\nstill first.\n\n\n  Second paragraph.  \n\nThird."
        let document = PlainTextReader().parse(text)
        #expect(document.format == .plainText)
        #expect(document.sections.map(\.text) == ["First paragraph\nstill first.", "Second paragraph.", "Third."])
        for section in document.sections {
            #expect(IngestionFixtures.slice(text, section.textRange) == section.text)
            #expect(section.span == TextSpan(section.textRange))
            #expect(section.chapterPath.isEmpty && section.page == nil)
        }
    }

    @Test func gb18030ChineseTextIsDecoded() throws {
        let document = try PlainTextReader().read(contentsOf: IngestionFixtures.fixture("gb18030.txt"))
        #expect(document.sections.map(\.text) == ["第一段：咖啡豆的产地。", "第二段：烘焙改变风味。"])
    }

    @Test func latin1TextIsDecoded() throws {
        let document = try PlainTextReader().read(contentsOf: IngestionFixtures.fixture("latin1.txt"))
        #expect(document.sections.first?.text == "Café crème naïve.")
    }

    @Test func utf8ByteOrderMarkIsDropped() throws {
        let data = Data([0xEF, 0xBB, 0xBF]) + Data("héllo".utf8)
        let decoded = try TextFileDecoder().decode(data, name: "bom.txt")
        #expect(decoded.text == "héllo" && decoded.encoding == .utf8)
    }

    @Test func utf16WithByteOrderMark() throws {
        var data = Data([0xFF, 0xFE])
        for unit in "中文 text".utf16 { data.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        let decoded = try TextFileDecoder().decode(data, name: "u16.txt")
        #expect(decoded.text == "中文 text" && decoded.encoding == .utf16)
    }

    @Test func binaryDataIsRejected() {
        #expect(throws: DocumentReadError.binaryContent(path: "x.txt")) {
            try PlainTextReader().read(data: Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01]), name: "x.txt")
        }
    }

    @Test func markdownFromLegacyEncoding() throws {
        let gbMarkdown = Data([0x23, 0x20, 0xD6, 0xD0, 0xCE, 0xC4, 0x0A, 0xC4, 0xDA, 0xC8, 0xDD])  // "# 中文\n内容" in GB18030
        let document = try MarkdownReader().read(data: gbMarkdown, name: "gb.md")
        #expect(document.sections.first?.chapterPath == ["中文"])
        #expect(document.sections.first?.text == "内容")
    }
}
