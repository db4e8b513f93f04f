import Foundation
import Testing

@testable import QuarryCore

@Suite struct SentenceSplitterTests {
    private func split(_ text: String) -> [String] {
        let scalars = ScalarText(text)
        return SentenceSplitter().sentences(in: scalars, range: 0..<scalars.count).map { scalars.string($0) }
    }

    @Test func chineseSentences() {
        #expect(
            split("向量数据库很重要。它支持相似性搜索！为什么？因为语义；还有“引号里的话。”然后继续") == [
                "向量数据库很重要。", "它支持相似性搜索！", "为什么？", "因为语义；", "还有“引号里的话。”", "然后继续",
            ])
    }

    @Test func englishSentencesKeepDecimalsAndAbbreviations() {
        #expect(
            split("Pi is 3.14 roughly. See Fig. 2 and e.g. the appendix. Dr. Smith agreed! Did J. R. R. Tolkien write it? Yes.") == [
                "Pi is 3.14 roughly.", "See Fig. 2 and e.g. the appendix.", "Dr. Smith agreed!",
                "Did J. R. R. Tolkien write it?", "Yes.",
            ])
        #expect(split("Version v1.2 uses file.txt (see below.) Next one.") == ["Version v1.2 uses file.txt (see below.)", "Next one."])
        #expect(split("Wait... it works. \"Quoted.\" Done") == ["Wait... it works.", "\"Quoted.\"", "Done"])
    }

    @Test func mixedAndListLines() {
        #expect(split("FAISS 支持 GPU。It is fast.下一句") == ["FAISS 支持 GPU。", "It is fast.", "下一句"])
        #expect(
            split("Steps:\n1. install it\n2. run it\n- bullet without stop\n- another") == [
                "Steps:", "1. install it", "2. run it", "- bullet without stop", "- another",
            ])
        #expect(split("a wrapped\nline stays one sentence.") == ["a wrapped\nline stays one sentence."])
    }
}

@Suite struct ApproximateTokenCounterTests {
    @Test func counts() {
        let counter = ApproximateTokenCounter()
        #expect(counter.tokenCount("") == 0)
        #expect(counter.tokenCount("向量数据库") == 5)
        #expect(counter.tokenCount("hello world") == 3)  // 2 × 1.3 = 2.6 → 3
        #expect(counter.tokenCount("hello, world!") == 5)
        #expect(counter.tokenCount("FAISS 索引") == 4)
    }
}

/// Counts one token per Unicode scalar that is not white space: easy to reason about in tests.
struct ScalarTokenCounter: TokenCounter {
    func tokenCount(_ text: String) -> Int {
        text.unicodeScalars.filter { !$0.properties.isWhitespace }.count
    }
}

@Suite struct ChunkerTests {
    private func chunker(_ target: Int, _ overlap: Int, fill: Double = 0.5, counter: any TokenCounter = ApproximateTokenCounter()) throws -> Chunker {
        try Chunker(
            configuration: ChunkerConfiguration(targetTokens: target, overlapTokens: overlap, paragraphBreakFill: fill), tokenCounter: counter)
    }

    @Test func invalidConfigurations() {
        #expect(throws: ChunkerConfigurationError.self) { try Chunker(configuration: .init(targetTokens: 0, overlapTokens: 0)) }
        #expect(throws: ChunkerConfigurationError.self) { try Chunker(configuration: .init(targetTokens: 10, overlapTokens: 10)) }
        #expect(throws: ChunkerConfigurationError.self) { try Chunker(configuration: .init(targetTokens: 10, overlapTokens: -1)) }
    }

    @Test func metadataAndHash() throws {
        let document = MarkdownReader().parse("# A\n## B\nFirst sentence. Second sentence.\n")
        let passages = try chunker(100, 10).chunk(document, source: "dir/file.md")
        #expect(passages.count == 1)
        let passage = try #require(passages.first)
        #expect(passage.source == "dir/file.md")
        #expect(passage.chapter == "A > B")
        #expect(passage.page == nil)
        #expect(passage.text == "First sentence. Second sentence.")
        #expect(passage.span == passage.textSpan)
        #expect(passage.contentHash == ContentHash.sha256("First sentence. Second sentence."))
        #expect(passage.contentHash.count == 64)
        #expect(passage.embeddingText() == "A > B\nFirst sentence. Second sentence.")
        #expect(passage.embeddingText(.init(includeChapter: false)) == passage.text)
    }

    @Test func embeddingTextStripsMarkdown() throws {
        let document = MarkdownReader().parse("## H\n**粗体** and [link](http://x) `code`.\n")
        let passage = try #require(try chunker(100, 0).chunk(document, source: "a.md").first)
        #expect(passage.embeddingText() == "H\n粗体 and link code.")
        #expect(passage.embeddingText(.init(stripMarkdown: false)) == "H\n**粗体** and [link](http://x) `code`.")
    }

    @Test func codeIsSeparateOrOmitted() throws {
        let document = MarkdownReader().parse("## H\nText before.\n\n```python\nprint(1)\n```\n\nText after.\n")
        let passages = try chunker(100, 10).chunk(document, source: "a.md")
        #expect(passages.map(\.isCode) == [false, true, false])
        #expect(passages[1].codeLanguage == "python" && passages[1].text == "print(1)")
        let omitting = try Chunker(configuration: .init(targetTokens: 100, overlapTokens: 10, codePolicy: .omit))
        #expect(omitting.chunk(document, source: "a.md").map(\.text) == ["Text before.", "Text after."])
    }

    @Test func sentencesArePackedAndOverlapped() throws {
        // 10 sentences of 5 tokens each ("s0ab。" = 5 scalars).
        let sentences = (0..<10).map { "句\($0)号码。" }
        let text = sentences.joined()
        let document = PlainTextReader().parse(text)
        let passages = try chunker(12, 5, counter: ScalarTokenCounter()).chunk(document, source: "t.txt")
        // Each passage: at most 12 tokens = 2 sentences; overlap: the last sentence (5 tokens) repeats.
        let expected: [String] = (0..<9).map { (index: Int) -> String in sentences[index] + sentences[index + 1] }
        let actual: [String] = passages.map(\.text)
        #expect(actual == expected)
        for passage in passages {
            #expect(passage.tokenCount <= 12)
        }
    }

    @Test func overLongSentenceIsSplitAtClausesThenCharacters() throws {
        let clause = "这是一个比较长的分句"  // 10 scalars
        let sentence = Array(repeating: clause, count: 4).joined(separator: "，") + "。"
        let document = PlainTextReader().parse(sentence + "短句。")
        let passages = try chunker(22, 0, counter: ScalarTokenCounter()).chunk(document, source: "t.txt")
        #expect(passages.allSatisfy { $0.tokenCount <= 22 })
        #expect(passages.first?.text == "这是一个比较长的分句，这是一个比较长的分句，")
        // A run without any break opportunity is cut between characters.
        let long = String(repeating: "字", count: 50)
        let cut = try chunker(20, 0, counter: ScalarTokenCounter()).chunk(PlainTextReader().parse(long), source: "t.txt")
        #expect(cut.map(\.text.count) == [20, 20, 10])
        // Words before characters for Latin text.
        let words = (0..<30).map { "w\($0)" }.joined(separator: " ")
        let byWords = try chunker(20, 0, counter: ScalarTokenCounter()).chunk(PlainTextReader().parse(words), source: "t.txt")
        #expect(byWords.allSatisfy { $0.tokenCount <= 20 && !$0.text.hasPrefix(" ") })
        #expect(byWords.map(\.text).joined(separator: " ") == words)
    }

    @Test func graphemeClustersAreNeverCut() throws {
        let family = "👩‍👩‍👧‍👦"  // 7 scalars
        let text = String(repeating: family, count: 6)
        let passages = try chunker(10, 0, counter: ScalarTokenCounter()).chunk(PlainTextReader().parse(text), source: "e.txt")
        for passage in passages {
            #expect(passage.text.count * 7 == passage.text.unicodeScalars.count, "cut inside a cluster: \(passage.text.unicodeScalars.count)")
        }
        #expect(passages.map(\.text).joined() == text)
    }

    @Test func paragraphBoundariesArePreferred() throws {
        let a = "Alpha one. Alpha two. Alpha three."
        let b = "Beta one. Beta two. Beta three. Beta four."
        let document = PlainTextReader().parse(a + "\n\n" + b)
        let tokens = ApproximateTokenCounter()
        let target = tokens.tokenCount(a) + 4
        let passages = try chunker(target, 0, fill: 0.5).chunk(document, source: "p.txt")
        #expect(passages.first?.text == a)
        let greedy = try chunker(target, 0, fill: 0).chunk(document, source: "p.txt")
        #expect(greedy.first?.text.hasPrefix(a + "\n\nBeta one.") == true)
    }

    @Test func passagesDoNotCrossChaptersOrPages() throws {
        let document = MarkdownReader().parse("# A\none.\n# B\ntwo.\n")
        let passages = try chunker(100, 10).chunk(document, source: "x.md")
        #expect(passages.map(\.chapter) == ["A", "B"])
        let deck = try PowerPointReader().read(contentsOf: IngestionFixtures.fixture("deck.pptx"))
        let slides = try chunker(200, 20).chunk(deck, source: "deck.pptx")
        #expect(slides.map(\.page) == [1, 2, 3, 4])
        #expect(slides.allSatisfy { $0.span == nil })
        #expect(slides[2].text == "水温越高，萃取越快。\n\n推荐水温为 92–96 摄氏度。\n\n备注：温度过高会带来苦味。")
        #expect(slides[2].chapter == "水温与萃取")
    }

    /// Properties over the whole easy-vecdb course, for several sizes.
    @Test(arguments: [(64, 16), (200, 40), (400, 0)])
    func propertiesOnTheCourse(target: Int, overlap: Int) throws {
        let counter = ApproximateTokenCounter()
        let chunker = try chunker(target, overlap, counter: counter)
        let files = FileManager.default.enumerator(at: IngestionFixtures.easyVecDB, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "md" }
        var total = 0
        for file in files {
            let document = try MarkdownReader().read(contentsOf: file)
            let passages = chunker.chunk(document, source: file.lastPathComponent)
            total += passages.count
            try checkProperties(document, passages, target: target, overlap: overlap, counter: counter)
        }
        #expect(total > 100)
    }

    private func checkProperties(_ document: DocumentContent, _ passages: [Passage], target: Int, overlap: Int, counter: any TokenCounter) throws {
        let scalars = Array(document.text.unicodeScalars)
        var covered = [Bool](repeating: false, count: scalars.count)
        for (index, passage) in passages.enumerated() {
            #expect(passage.ordinal == index)
            // No passage over the limit.
            #expect(counter.tokenCount(passage.text) <= target, "\(passage.source) #\(index): \(passage.tokenCount) tokens")
            // Offsets point exactly at the text.
            let span = try #require(passage.span)
            #expect(String(String.UnicodeScalarView(scalars[span.range])) == passage.text)
            let first = try #require(passage.text.unicodeScalars.first)
            let last = try #require(passage.text.unicodeScalars.last)
            #expect(!first.properties.isWhitespace && !last.properties.isWhitespace, "untrimmed: \(passage.text.debugDescription.prefix(60))")
            for offset in span.range { covered[offset] = true }
            // Overlap: within a chapter, consecutive prose passages share at most `overlap` tokens of whole sentences.
            if index > 0, !passage.isCode, passages[index - 1].chapterPath == passage.chapterPath, !passages[index - 1].isCode {
                let previous = try #require(passages[index - 1].span)
                #expect(span.start > previous.start, "no progress")
                if span.start < previous.end {
                    let shared = String(String.UnicodeScalarView(scalars[span.start..<previous.end]))
                    #expect(counter.tokenCount(shared) <= overlap, "overlap too large: \(shared)")
                    #expect(overlap > 0)
                }
            }
        }
        // Full coverage: every non-white-space scalar of every section is in some passage.
        for section in document.sections {
            for offset in section.textRange where !scalars[offset].properties.isWhitespace {
                if !covered[offset] {
                    Issue.record("not covered: \(document.format) offset \(offset) in \(section.text.prefix(40))")
                    return
                }
            }
        }
    }

    /// The sample course in all four formats, when it has been rendered.
    @Test func sampleCourseInEveryFormat() throws {
        let root = IngestionFixtures.sampleCourse
        guard FileManager.default.fileExists(atPath: root.path) else { return }
        let registry = DocumentReaderRegistry.standard()
        let files = (FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
            .filter { registry.canRead($0) && !$0.path.contains("/.venv") }
        let chunker = try chunker(200, 40)
        for file in files {
            if file.pathExtension == "pdf", !IngestionFixtures.hasPdftotext { continue }
            let document = try registry.read(contentsOf: file)
            #expect(!document.sections.isEmpty, "\(file.lastPathComponent)")
            let passages = chunker.chunk(document, source: file.lastPathComponent)
            #expect(!passages.isEmpty)
            for passage in passages {
                #expect(passage.tokenCount <= 200)
                #expect(IngestionFixtures.slice(document.text, passage.textSpan.range) == passage.text)
            }
            switch document.format {
            case .powerPoint, .pdf: #expect(document.sections.allSatisfy { $0.page != nil })
            case .markdown: #expect(document.sections.contains { !$0.chapterPath.isEmpty })
            case .word: #expect(document.sections.contains { !$0.chapterPath.isEmpty })
            case .plainText: break
            }
        }
    }
}
