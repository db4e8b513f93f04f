import QuarryCore
import Testing

@Suite struct HighlightsTests {
    /// The text of `ranges` in `text`, counted in Unicode scalars.
    static func pieces(_ ranges: [Range<Int>], of text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return ranges.map { String(String.UnicodeScalarView(scalars[$0])) }
    }

    @Test func chineseBigramsAreMarkedAndJoined() {
        let text = "IVF 先聚类。乘积量化把向量切分成子向量，再分别量化。HNSW 是图索引。"
        let highlights = Highlights(of: text, for: "乘积量化怎么切分向量？")
        #expect(Self.pieces(highlights.terms, of: text) == ["乘积量化", "向量切分", "向量", "量化"])
        #expect(Self.pieces(highlights.sentence.map { [$0] } ?? [], of: text) == ["乘积量化把向量切分成子向量，再分别量化。"])
    }

    @Test func wordsAreMarkedWholeAndWithoutFunctionWords() {
        let text = "Faiss is a library. The IndexIVFFlat index needs training; IVF lists are probed."
        let highlights = Highlights(of: text, for: "What is IVF in Faiss?")
        #expect(Self.pieces(highlights.terms, of: text) == ["Faiss", "IVF"])
        #expect(Self.pieces([highlights.sentence!], of: text) == ["Faiss is a library."])
    }

    /// The sentence with the most distinct terms wins, not the one with the most occurrences.
    @Test func theSentenceWithTheMostDistinctTermsIsChosen() {
        let text = "向量向量向量向量。\n向量数据库支持检索。"
        let highlights = Highlights(of: text, for: "向量数据库怎么检索")
        #expect(Self.pieces([highlights.sentence!], of: text) == ["向量数据库支持检索。"])
    }

    @Test func offsetsCountUnicodeScalars() {
        let text = "👍🏽 咖啡很好喝"
        let highlights = Highlights(of: text, for: "咖")
        #expect(highlights.terms == [3..<4])
        #expect(Self.pieces(highlights.terms, of: text) == ["咖"])
    }

    @Test func aPassageWithoutTheTermsHasNoSentence() {
        let highlights = Highlights(of: "完全无关的内容。", for: "IVF nprobe")
        #expect(highlights == Highlights(sentence: nil, terms: []))
    }
}
