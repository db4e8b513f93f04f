/// Where a passage answers a question: the ranges, in Unicode scalars of the passage's text,
/// of the question's keyword terms found in it and of the sentence that holds the most of them.
public struct Highlights: Sendable, Equatable {
    /// The sentence (or table row, or list item) with the most distinct terms of the question;
    /// nil when none of them occurs.
    public var sentence: Range<Int>?
    /// Occurrences of the question's terms, in text order; overlapping or touching ones merged.
    public var terms: [Range<Int>]

    public init(sentence: Range<Int>?, terms: [Range<Int>]) {
        self.sentence = sentence
        self.terms = terms
    }

    /// The highlights of `text` for `question`, matched as the keyword index matches: words
    /// whole and case-insensitively, Chinese by character bigrams (a one-character question
    /// by its character). One-letter words and common English function words are not marked.
    public init(of text: String, for question: String) {
        self.init(of: text, marking: Self.markedTerms(of: question))
    }

    /// The question's terms worth marking: ``KeywordQuery`` terms less one-letter and function words.
    static func markedTerms(of question: String) -> Set<String> {
        Set(
            KeywordQuery(question).terms.filter { term in
                term.unicodeScalars.contains(where: CharacterClass.isCJK) || (term.count > 1 && !functionWords.contains(term))
            })
    }

    /// The highlights of `text` for the terms `wanted` (from ``markedTerms(of:)``).
    init(of text: String, marking wanted: Set<String>) {
        var found: [(term: String, range: Range<Int>)] = []
        for run in KeywordTerms.runs(of: text) {
            guard run.isCJK else {
                let word = run.text.lowercased()
                if wanted.contains(word) { found.append((word, run.characterStarts[0]..<run.end)) }
                continue
            }
            let characters = Array(run.text)
            let starts = run.characterStarts + [run.end]
            for (position, character) in characters.enumerated() {
                let unigram = String(character)
                if wanted.contains(unigram) { found.append((unigram, starts[position]..<starts[position + 1])) }
                if position + 1 < characters.count {
                    let bigram = String(characters[position...(position + 1)])
                    if wanted.contains(bigram) { found.append((bigram, starts[position]..<starts[position + 2])) }
                }
            }
        }
        terms = Self.merged(found.map(\.range))
        var best: (range: Range<Int>, distinctTerms: Int)?
        for candidate in Self.sentences(of: text) {
            let distinctTerms = Set(found.filter { candidate.contains($0.range.lowerBound) }.map(\.term)).count
            if distinctTerms > (best?.distinctTerms ?? 0) { best = (candidate, distinctTerms) }
        }
        sentence = best?.range
    }

    /// English words too common to be worth marking.
    static let functionWords: Set<String> = [
        "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "did", "for", "from", "how", "in", "is", "it",
        "its", "of", "on", "or", "so", "than", "that", "the", "then", "this", "to", "was", "were", "what", "when",
        "where", "which", "who", "why", "will", "with",
    ]

    /// `ranges` sorted, with overlapping or touching ones joined.
    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// The sentences of each line of `text`, as scalar ranges.
    static func sentences(of text: String) -> [Range<Int>] {
        let scalars = ScalarText(text)
        let splitter = SentenceSplitter()
        return scalars.lines().flatMap { line in splitter.sentences(in: scalars, range: line.start..<line.end) }
    }
}
