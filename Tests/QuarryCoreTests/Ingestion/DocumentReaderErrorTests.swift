import Foundation
import Testing

@testable import QuarryCore

@Suite struct DocumentReaderErrorTests {
    private let registry = DocumentReaderRegistry.standard()

    @Test func registryChoosesByExtension() throws {
        #expect(registry.supportedExtensions == ["md", "markdown", "txt", "pptx", "docx", "pdf"])
        #expect(try registry.reader(for: .data(Data(), name: "a/B.MD")).format == .markdown)
        #expect(try registry.reader(for: .data(Data(), name: "x.markdown")).format == .markdown)
        #expect(try registry.reader(for: .data(Data(), name: "x.txt")).format == .plainText)
        #expect(try registry.reader(for: .data(Data(), name: "x.pptx")).format == .powerPoint)
        #expect(try registry.reader(for: .data(Data(), name: "x.docx")).format == .word)
        #expect(try registry.reader(for: .data(Data(), name: "x.pdf")).format == .pdf)
        #expect(registry.canRead(URL(fileURLWithPath: "/a/b.Docx")))
        #expect(!registry.canRead(URL(fileURLWithPath: "/a/b.doc")))
        let document = try registry.read(data: Data("# H\nbody".utf8), name: "n.md")
        #expect(document.sections.first?.chapterPath == ["H"])
    }

    @Test func unsupportedExtension() {
        #expect(throws: DocumentReadError.unsupportedFormat(path: "notes.odt", fileExtension: "odt")) {
            try registry.read(data: Data("x".utf8), name: "notes.odt")
        }
        #expect(throws: DocumentReadError.unsupportedFormat(path: "README", fileExtension: "")) {
            try registry.read(data: Data("x".utf8), name: "README")
        }
        let message = DocumentReadError.unsupportedFormat(path: "notes.odt", fileExtension: "odt").description
        #expect(message.contains(".odt") && message.contains(".pptx"))
    }

    @Test func missingFile() {
        for name in ["missing.md", "missing.txt", "missing.pptx", "missing.docx", "missing.pdf"] {
            let url = URL(fileURLWithPath: "/nonexistent-quarry/\(name)")
            if name.hasSuffix(".pdf"), !IngestionFixtures.hasPdftotext { continue }
            #expect(throws: DocumentReadError.fileNotFound(path: url.path)) {
                try registry.read(contentsOf: url)
            }
        }
    }

    @Test func directoryIsNotAFile() throws {
        let folder = try IngestionFixtures.temporaryDirectory().appendingPathComponent("folder.md")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(throws: DocumentReadError.unreadableFile(path: folder.path, reason: "it is a directory")) {
            try registry.read(contentsOf: folder)
        }
    }

    @Test(arguments: ["deck.pptx", "handbook.docx"])
    func truncatedArchive(name: String) throws {
        let data = try Data(contentsOf: IngestionFixtures.fixture(name))
        for length in [0, 10, data.count / 2, data.count - 30] {
            let error = #expect(throws: DocumentReadError.self) {
                try registry.read(data: data.prefix(length), name: name)
            }
            guard case .corruptArchive(let path, _) = error else {
                Issue.record("expected corruptArchive, got \(String(describing: error))")
                continue
            }
            #expect(path == name)
        }
    }

    @Test(arguments: ["deck.pptx", "handbook.docx"])
    func corruptedBytesNeverCrash(name: String) throws {
        let original = try Data(contentsOf: IngestionFixtures.fixture(name))
        var generator = SplitMix64(seed: 42)
        for _ in 0..<40 {
            var data = original
            for _ in 0..<8 {
                let index = Int(generator.next() % UInt64(data.count))
                data[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            // Either a document or a typed error; anything else fails the test.
            do {
                _ = try registry.read(data: data, name: name)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func textIsNotAnOfficeFile() {
        let error = #expect(throws: DocumentReadError.self) {
            try registry.read(data: Data("just text, not a zip".utf8), name: "fake.docx")
        }
        if case .corruptArchive = error {} else { Issue.record("got \(String(describing: error))") }
    }

    @Test func zipWithoutTheMainPart() throws {
        // A valid ZIP (the PPTX) read as a Word file lacks word/document.xml.
        let data = try Data(contentsOf: IngestionFixtures.fixture("deck.pptx"))
        #expect(throws: DocumentReadError.missingPart(path: "deck.docx", part: "word/document.xml")) {
            try WordReader().read(data: data, name: "deck.docx")
        }
    }

    @Test func oversizedInputs() throws {
        let limits = DocumentReaderLimits(maxFileBytes: 100, maxPartBytes: 1_000)
        #expect(throws: DocumentReadError.tooLarge(path: "big.md", part: nil, size: 101, limit: 100)) {
            try MarkdownReader(limits: limits).read(data: Data(repeating: 0x41, count: 101), name: "big.md")
        }
        let deck = try Data(contentsOf: IngestionFixtures.fixture("deck.pptx"))
        let error = #expect(throws: DocumentReadError.self) {
            try PowerPointReader(limits: DocumentReaderLimits(maxPartBytes: 1_000)).read(data: deck, name: "deck.pptx")
        }
        if case .tooLarge(_, let part, _, _) = error { #expect(part != nil) } else { Issue.record("got \(String(describing: error))") }
    }

    @Test func missingPdftotextIsAClearError() throws {
        let reader = PDFReader(pdftotextPath: "/nonexistent/pdftotext")
        let error = #expect(throws: DocumentReadError.self) {
            try reader.read(contentsOf: IngestionFixtures.fixture("guide.pdf"))
        }
        guard case .toolNotFound(_, let hint) = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        #expect(hint.contains("poppler-utils"))
    }

    @Test(.enabled(if: IngestionFixtures.hasPdftotext))
    func brokenPDF() throws {
        let data = try Data(contentsOf: IngestionFixtures.fixture("guide.pdf"))
        let error = #expect(throws: DocumentReadError.self) {
            try PDFReader().read(data: data.prefix(200), name: "broken.pdf")
        }
        if case .toolFailed(let tool, let path, _, _) = error {
            #expect(tool == "pdftotext" && path == "broken.pdf")
        } else {
            Issue.record("got \(String(describing: error))")
        }
        #expect(throws: DocumentReadError.self) {
            try PDFReader().read(data: Data("not a pdf".utf8), name: "fake.pdf")
        }
    }

    @Test func malformedXMLNamesThePart() {
        let error = #expect(throws: DocumentReadError.self) {
            try XMLElementTree.parse(Data("<a><b></a>".utf8), document: "d.docx", part: "word/document.xml")
        }
        if case .malformedXML(let path, let part, _, _) = error {
            #expect(path == "d.docx" && part == "word/document.xml")
        } else {
            Issue.record("got \(String(describing: error))")
        }
    }

    /// Found by fuzzing: an element name with a byte that is not UTF-8 made Foundation's XMLParser
    /// trap, so a 137-byte .docx upload killed the server.
    @Test func namesThatAreNotUTF8AreMalformedXMLNotACrash() throws {
        #expect(throws: DocumentReadError.self) {
            try XMLElementTree.parse(Data([0x3C, 0xFF, 0x78, 0x2F, 0x3E]), document: "d.docx", part: "word/document.xml")
        }
        let docx = try #require(
            Data(
                base64Encoded: """
                    UEsDBBQAAAAAACdjhV1FuGn1BQAAAAUAAAARAAAAd29yZC9kb2N1bWVudC54bWw8/3gvPlBLAQIUAxQAAAAAACdjhV1FuGn1BQAAAAUAAAARAAAA\
                    AAAAAAAAAACAAQAAAAB3b3JkL2RvY3VtZW50LnhtbFBLBQYAAAAAAQABAD8AAAA0AAAAAAA=
                    """))
        #expect(throws: DocumentReadError.self) { try DocumentReaderRegistry.standard().read(data: docx, name: "upload.docx") }
    }

    @Test func utf16PartsAreRead() throws {
        var data = Data([0xFF, 0xFE])
        data.append("<?xml version=\"1.0\" encoding=\"UTF-16\"?><w:t>天气 ok</w:t>".data(using: .utf16LittleEndian)!)
        let tree = try XMLElementTree.parse(data, document: "d.docx", part: "word/document.xml")
        #expect(tree.textContent == "天气 ok")
    }
}
