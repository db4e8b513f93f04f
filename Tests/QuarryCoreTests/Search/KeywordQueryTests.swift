@testable import QuarryCore
import Testing

@Suite struct KeywordQueryTests {
    @Test func chineseRunsBecomeOverlappingBigrams() {
        #expect(KeywordTerms.terms(of: "什么是向量") == ["什么", "么是", "是向", "向量"])
    }

    @Test func wordsAndScriptsAreSeparated() {
        #expect(KeywordTerms.terms(of: "FAISS的IVF索引 nprobe=32?") == ["faiss", "的", "ivf", "索引", "nprobe", "32"])
        #expect(KeywordTerms.document("Vector 检索") == "vector 检索")
    }

    @Test func queriesAreDistinctQuotedTerms() {
        let query = KeywordQuery("索引 索引 abc\"def")
        #expect(query.terms == ["索引", "abc", "def"])
        #expect(query.matchExpression == "\"索引\" OR \"abc\" OR \"def\"")
        #expect(KeywordQuery("？！ ...").matchExpression == nil)
    }
}
