import Foundation
import Testing

@testable import QuarryCore

@Suite struct DocumentUploadTests {
    let ingestor = DocumentIngestor(chunker: try! Chunker())

    @Test func textIsReadAsMarkdownOnlyWhenItsSourceSaysSo() throws {
        let text = "# 向量索引\n\nIVF 把向量分到各个列表里。"
        let markdown = try ingestor.document(text: text, source: "notes/ivf.md", metadata: ["lesson": .number(3)])
        #expect(markdown.source == "notes/ivf.md" && markdown.passages.first?.chapter == "向量索引")
        #expect(markdown.passages.allSatisfy { $0.metadata["lesson"] == .number(3) })
        #expect(markdown.metadata["format"] == .string("markdown"))
        let plain = try ingestor.document(text: text, source: "notes/ivf")
        #expect(plain.source == "notes/ivf" && plain.passages.first?.text.hasPrefix("# 向量索引") == true)
        #expect(plain.metadata["format"] == .string("text"))
    }

    @Test func anUploadIsReadByItsExtension() throws {
        let document = try ingestor.document(uploaded: Data("# 第一章\n\n正文。".utf8), named: "course.md")
        #expect(document.source == "course.md" && document.passages.first?.chapter == "第一章")
        #expect(throws: DocumentReadError.self) { try ingestor.document(uploaded: Data("x".utf8), named: "course.exe") }
    }
}
