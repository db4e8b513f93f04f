/// Turns a free-text question into an FTS5 query over ``KeywordTerms``: the
/// distinct terms of the question, OR-ed, so BM25 ranks passages by the
/// bigrams and words they share with it.
struct KeywordQuery: Equatable {
    var terms: [String] = []

    init(_ text: String) {
        var seen = Set<String>()
        terms = KeywordTerms.queryTerms(of: text).filter { seen.insert($0).inserted }
    }

    /// The FTS5 MATCH expression, or nil when the question has no term.
    var matchExpression: String? {
        guard !terms.isEmpty else { return nil }
        return terms.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " OR ")
    }
}
