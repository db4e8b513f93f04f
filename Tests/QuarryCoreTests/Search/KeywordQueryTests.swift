import Testing

@testable import QuarryCore

@Suite struct KeywordQueryTests {
    @Test func chineseIsIndexedByCharacterAndBigramAndAskedByBigram() {
        #expect(KeywordTerms.documentTerms(of: "向量库") == ["向", "量", "库", "向量", "量库"])
        #expect(KeywordTerms.queryTerms(of: "什么是向量") == ["什么", "么是", "是向", "向量"])
        // A lone character asks for itself, and passages are indexed under it.
        #expect(KeywordTerms.queryTerms(of: "咖") == ["咖"])
    }

    @Test func wordsAndScriptsAreSeparated() {
        #expect(KeywordTerms.queryTerms(of: "FAISS的IVF索引 nprobe=32?") == ["faiss", "的", "ivf", "索引", "nprobe", "32"])
        #expect(KeywordTerms.documentTerms(of: "IVF索引") == ["ivf", "索", "引", "索引"])
        #expect(KeywordTerms.documentTerms(of: "Vector 检索") == ["vector", "检", "索", "检索"])
    }

    @Test func mixedTextKeepsEveryScriptInOrder() {
        #expect(KeywordTerms.queryTerms(of: "Milvus支持GPU吗？Über 2.0") == ["milvus", "支持", "gpu", "吗", "über", "2", "0"])
    }

    @Test func queriesAreDistinctTerms() {
        #expect(KeywordQuery("索引 索引 abc\"def").terms == ["索引", "abc", "def"])
        #expect(KeywordQuery("？！ ...").terms.isEmpty)
    }
}
