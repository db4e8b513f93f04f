/// The keyword side of a free-text question: its distinct ``KeywordTerms/queryTerms(of:)``,
/// OR-ed by ``KeywordIndex``, so BM25 ranks passages by the bigrams and words they share with it.
struct KeywordQuery: Equatable {
    var terms: [String] = []

    init(_ text: String) {
        var seen = Set<String>()
        terms = KeywordTerms.queryTerms(of: text).filter { seen.insert($0).inserted }
    }
}
