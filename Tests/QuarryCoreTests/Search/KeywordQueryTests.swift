@testable import QuarryCore
import Testing

@Suite struct KeywordQueryTests {
    @Test func chineseRunsBecomeOverlappingTrigrams() {
        let query = KeywordQuery("什么是向量")
        #expect(query.ftsTerms == ["什么是", "么是向", "是向量"])
        #expect(query.shortTerms.isEmpty)
    }

    @Test func wordsAndScriptsAreSeparated() {
        let query = KeywordQuery("FAISS的IVF索引 nprobe=32?")
        #expect(query.ftsTerms == ["faiss", "ivf", "nprobe"])
        #expect(query.shortTerms == ["的", "索引", "32"])
        #expect(query.matchExpression == "\"faiss\" OR \"ivf\" OR \"nprobe\"")
    }

    @Test func quotesAreEscaped() {
        #expect(KeywordQuery("abc\"def").matchExpression == "\"abc\" OR \"def\"")
    }

    @Test func shortQueriesHaveNoMatchExpression() {
        let query = KeywordQuery("索引")
        #expect(query.matchExpression == nil)
        #expect(query.shortTerms == ["索引"])
    }
}
