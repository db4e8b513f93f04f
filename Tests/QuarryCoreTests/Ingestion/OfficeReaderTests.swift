import Foundation
import Testing

@testable import QuarryCore

@Suite struct PowerPointReaderTests {
    @Test func slidesInPresentationOrderWithTitlesAndNotes() throws {
        let document = try PowerPointReader().read(contentsOf: IngestionFixtures.fixture("deck.pptx"))
        #expect(document.format == .powerPoint)
        #expect(document.title == "Fixture Deck")
        #expect(document.sections.allSatisfy { $0.span == nil })

        func texts(page: Int) -> [String] { document.sections.filter { $0.page == page }.map(\.text) }
        // Slide 1: "Grinding Basics" with its subtitle and notes.
        #expect(texts(page: 1) == ["Why grind size matters.", "Speaker note: finer grinds extract faster."])
        #expect(document.sections.first { $0.page == 1 }?.chapterPath == ["Grinding Basics"])
        // Slide 2 is the third slide part (moved before "水温与萃取").
        #expect(
            texts(page: 2) == [
                "Start at 1:16 and adjust to taste.",
                "Method | Ratio\nPour-over | 1:16\nEspresso | 1:2",
                "Grouped hint: weigh your beans.",
            ])
        #expect(document.sections.filter { $0.page == 2 }.map(\.kind) == [.prose, .table, .prose])
        #expect(document.sections.first { $0.page == 2 }?.chapterPath == ["Brew Ratios"])
        // Slide 3: Chinese, two bullet paragraphs and a note.
        #expect(texts(page: 3) == ["水温越高，萃取越快。", "推荐水温为 92–96 摄氏度。", "备注：温度过高会带来苦味。"])
        #expect(document.sections.first { $0.page == 3 }?.chapterPath == ["水温与萃取"])
        // Slide 4 has no title.
        #expect(texts(page: 4) == ["A slide without a title."])
        #expect(document.sections.first { $0.page == 4 }?.chapterPath == [])
        // Sections are slices of the document text.
        for section in document.sections {
            #expect(IngestionFixtures.slice(document.text, section.textRange) == section.text)
        }
    }

    @Test func notesCanBeLeftOut() throws {
        let document = try PowerPointReader(includeNotes: false).read(contentsOf: IngestionFixtures.fixture("deck.pptx"))
        #expect(!document.text.contains("Speaker note"))
    }
}

@Suite struct WordReaderTests {
    @Test func headingsTablesAndPages() throws {
        let document = try WordReader().read(contentsOf: IngestionFixtures.fixture("handbook.docx"))
        #expect(document.format == .word)
        #expect(document.title == "Coffee Handbook")
        let summary = document.sections.map {
            "\($0.chapterPath.joined(separator: "/"))|\($0.page.map(String.init) ?? "-")|\($0.kind.rawValue)|\($0.text)"
        }
        #expect(
            summary == [
                "|1|prose|An introduction before any heading.",
                "Beans|1|prose|Arabica and robusta are the two main species.",
                "Beans/Roasting|1|prose|Light roasts keep more acidity.",
                "Beans/Roasting|1|table|Roast | Acidity\nLight | High",
                "冲煮|2|prose|手冲需要稳定的水流。注水要均匀！",
                "冲煮/Espresso|2|prose|Espresso uses about 9 bar of pressure.",
            ])
        for section in document.sections {
            #expect(IngestionFixtures.slice(document.text, section.textRange) == section.text)
            #expect(section.span == nil)
        }
    }

    @Test func styleResolution() throws {
        #expect(WordStyles.headingNumber("heading 2") == 2)
        #expect(WordStyles.headingNumber("Heading3") == 3)
        #expect(WordStyles.headingNumber("Header") == nil)
        let xml = """
            <w:styles xmlns:w="x">
              <w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
              <w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/></w:style>
              <w:style w:type="paragraph" w:styleId="Mine"><w:basedOn w:val="berschrift1"/></w:style>
              <w:style w:type="paragraph" w:styleId="Body"><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>
            </w:styles>
            """
        let styles = WordStyles(try XMLElementTree.parse(Data(xml.utf8), document: "t", part: "styles.xml"))
        #expect(styles.headingLevel(styleID: "berschrift1") == 1)
        #expect(styles.headingLevel(styleID: "2") == 2)
        #expect(styles.headingLevel(styleID: "Mine") == 1)
        #expect(styles.headingLevel(styleID: "Body") == nil)
        #expect(styles.headingLevel(styleID: "Heading4") == 4)
    }
}

@Suite(.enabled(if: IngestionFixtures.hasPdftotext)) struct PDFReaderTests {
    @Test func pagesAndOutlineChapters() throws {
        let document = try PDFReader().read(contentsOf: IngestionFixtures.fixture("guide.pdf"))
        #expect(document.format == .pdf)
        let summary = document.sections.map { "\($0.page ?? 0)|\($0.chapterPath.joined(separator: "/"))|\($0.text)" }
        #expect(
            summary == [
                "1|Chapter 1: Beans|Coffee beans are the seeds of a fruit.",
                "1|Chapter 1: Beans|They are roasted before brewing.",
                "2|Chapter 1: Beans/1.1 Origins|Ethiopia is often called the birthplace of coffee.",
                "3|第二章 冲煮|水温影响萃取速度。",
                "3|第二章 冲煮|研磨度决定接触面积。",
            ])
        #expect(document.sections.allSatisfy { $0.span == nil })
    }

    @Test func inMemoryPDF() throws {
        let data = try Data(contentsOf: IngestionFixtures.fixture("guide.pdf"))
        let document = try PDFReader(readsLayout: false).read(data: data, name: "upload.pdf")
        #expect(document.sections.map(\.page) == [1, 1, 2, 3, 3])
        #expect(document.sections.allSatisfy { $0.chapterPath.isEmpty })
        #expect(document.sections.first?.text == "Chapter 1: Beans Coffee beans are the seeds of a fruit.")
    }

    @Test func lineJoining() {
        #expect(PDFReader.joinLines(["An exam-", "ple of text", "中文", "继续"]) == "An example of text 中文继续")
        #expect(PDFReader.paragraphs("a\nb\n\n\nc\n") == ["a b", "c"])
    }
}
