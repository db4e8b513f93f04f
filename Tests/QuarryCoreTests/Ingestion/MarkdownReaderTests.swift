import Foundation
import Testing

@testable import QuarryCore

@Suite struct MarkdownReaderTests {
    private func parse(_ text: String) -> DocumentContent {
        MarkdownReader().parse(text)
    }

    @Test func headingsFormTheChapterPath() {
        let document = parse(
            """
            intro text

            # Title
            para one
            ## Section A
            para two
            ### Sub A.1 ###
            para three
            ## Section B
            para four
            """)
        let paths = document.sections.map(\.chapterPath)
        #expect(paths == [[], ["Title"], ["Title", "Section A"], ["Title", "Section A", "Sub A.1"], ["Title", "Section B"]])
        #expect(document.sections.map(\.text) == ["intro text", "para one", "para two", "para three", "para four"])
    }

    @Test func sectionsAreExactSlicesWithScalarOffsets() {
        let text = "# 标题 👩‍👩‍👧\r\n\r\n第一段，含 emoji 👍🏽。\r\n第二行。\r\n\r\n- item **bold** [link](http://x)\r\n"
        let document = parse(text)
        #expect(document.text == text)
        for section in document.sections {
            #expect(section.span == TextSpan(section.textRange))
            #expect(IngestionFixtures.slice(text, section.textRange) == section.text)
        }
        #expect(document.sections.map(\.text) == ["第一段，含 emoji 👍🏽。\r\n第二行。", "- item **bold** [link](http://x)"])
        #expect(document.sections[0].chapterPath == ["标题 👩‍👩‍👧"])
    }

    @Test func fencedCodeIsKeptAndMarked() {
        let document = parse(
            """
            ## Setup
            Install it:

            ```python title="x"
            import faiss
            # not a heading
            ```

            ~~~
            plain fence
            ~~~
            After.
            """)
        let kinds = document.sections.map(\.kind)
        #expect(kinds == [.prose, .code, .code, .prose])
        #expect(document.sections[1].text == "import faiss\n# not a heading")
        #expect(document.sections[1].codeLanguage == "python")
        #expect(document.sections[1].isCode)
        #expect(document.sections[2].codeLanguage == nil)
        #expect(document.sections.allSatisfy { $0.chapterPath == ["Setup"] })
    }

    @Test func unclosedFenceRunsToTheEnd() {
        let document = parse("text\n\n```\ncode line\n## not heading")
        #expect(document.sections.map(\.kind) == [.prose, .code])
        #expect(document.sections[1].text == "code line\n## not heading")
    }

    @Test func frontMatterAndCommentsAreIgnored() {
        let document = parse(
            """
            ---
            title: "My Page"
            layout: home
            ---
            <!-- hidden
            still hidden -->
            Visible.

            ***

            Also visible.
            """)
        #expect(document.title == "My Page")
        #expect(document.sections.map(\.text) == ["Visible.", "Also visible."])
    }

    @Test func setextHeadingsAndThematicBreaks() {
        let document = parse(
            """
            Top Title
            =========
            text a

            Sub
            ---
            text b

            A long paragraph line that is certainly not meant to be a heading because it goes on and on and on and on and on and on.
            ---
            text c
            """)
        #expect(document.sections.map(\.chapterPath) == [["Top Title"], ["Top Title", "Sub"], ["Top Title", "Sub"], ["Top Title", "Sub"]])
        #expect(document.sections.map(\.text).last == "text c")
    }

    @Test func notHeadings() {
        let document = parse("#hashtag is text\n\n    # indented four spaces\n\n####### seven")
        #expect(document.sections.allSatisfy { $0.chapterPath.isEmpty })
        #expect(document.sections.count == 3)
    }

    @Test func headingMarkupIsReducedToText() {
        let document = parse("## **Bold** and `code` [link](http://a.b)\ntext")
        #expect(document.sections[0].chapterPath == ["Bold and code link"])
    }

    @Test func tablesAreTableSections() {
        let document = parse(
            """
            The table:
            | a | b |
            |---|:-:|
            | 1 | 2 |
            After table.
            """)
        #expect(document.sections.map(\.kind) == [.prose, .table, .prose])
        #expect(document.sections[1].text == "| a | b |\n|---|:-:|\n| 1 | 2 |")
    }

    @Test
    func knownCourseFileChapterPaths() throws {
        let url = IngestionFixtures.easyVecDB.appendingPathComponent("base/chapter1/项目介绍.md")
        let document = try MarkdownReader().read(contentsOf: url)
        let answer = "将 128 维向量从 512B 压缩至 8B"
        let section = try #require(document.sections.first { $0.text.contains(answer) })
        #expect(section.chapterPath == ["2.向量数据库技术深度解析", "2.2了解三大技术路线", "2.2.2 Faiss：科研级高性能计算平台"])
        #expect(section.kind == .prose)
        let first = try #require(document.sections.first)
        #expect(first.chapterPath == ["1. 项目背景与意义"])
        #expect(document.text == (try String(contentsOf: url, encoding: .utf8)))
    }

    /// Every development question's answer lies in a prose section under its expected heading.
    @Test
    func devQuestionAnswersSitUnderTheirHeadings() throws {
        struct Question: Decodable {
            let id: String
            let file: String
            let heading: String
            let answerSpan: String

            enum CodingKeys: String, CodingKey {
                case id, file, heading
                case answerSpan = "answer_span"
            }
        }
        let questions = try String(contentsOf: IngestionFixtures.devQuestions, encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(Question.self, from: Data($0.utf8)) }
        #expect(questions.count >= 20)
        for question in questions {
            let document = try MarkdownReader().read(contentsOf: IngestionFixtures.easyVecDB.appendingPathComponent(question.file))
            // The answer may also occur in code (d03 quotes it in a print statement); take the prose one.
            let offsets = IngestionFixtures.scalarOffsets(of: question.answerSpan, in: document.text)
            #expect(!offsets.isEmpty, "\(question.id): answer not in the file")
            let sections = offsets.compactMap { offset in document.sections.first { $0.textRange.contains(offset) } }
            let prose = sections.first { !$0.isCode }
            #expect(prose != nil, "\(question.id): answer only in code or outside every section")
            #expect(prose?.chapterPath.last == question.heading, "\(question.id): \(prose?.chapterPath ?? [])")
        }
    }

    @Test
    func wholeCourseReadsWithoutErrors() throws {
        let files = FileManager.default.enumerator(at: IngestionFixtures.easyVecDB, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "md" }
        #expect(files.count > 30)
        var codeSections = 0
        for file in files {
            let document = try MarkdownReader().read(contentsOf: file)
            let scalars = Array(document.text.unicodeScalars)
            var previousEnd = 0
            for section in document.sections {
                #expect(section.textRange.lowerBound >= previousEnd)
                previousEnd = section.textRange.upperBound
                #expect(String(String.UnicodeScalarView(scalars[section.textRange])) == section.text)
                if section.isCode { codeSections += 1 }
            }
        }
        #expect(codeSections > 100)
    }
}
