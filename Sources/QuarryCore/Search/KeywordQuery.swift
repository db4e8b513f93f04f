/// Turns a free-text question into an FTS5 query for the trigram tokenizer.
///
/// Each run of CJK characters contributes its overlapping 3-character grams and
/// each word of 3+ letters or digits contributes itself, all OR-ed, so BM25
/// ranks passages by shared character trigrams. Terms shorter than 3
/// characters cannot match a trigram index; they are kept as `shortTerms` for
/// a substring (LIKE) fallback when nothing else remains.
struct KeywordQuery: Equatable {
    var ftsTerms: [String] = []
    var shortTerms: [String] = []

    init(_ text: String) {
        var seen = Set<String>()
        for run in Self.runs(of: text) {
            let characters = Array(run.text)
            if run.isCJK, characters.count >= 3 {
                for start in 0...(characters.count - 3) {
                    let gram = String(characters[start..<(start + 3)])
                    if seen.insert(gram).inserted { ftsTerms.append(gram) }
                }
            } else if characters.count >= 3 {
                let word = run.text.lowercased()
                if seen.insert(word).inserted { ftsTerms.append(word) }
            } else if seen.insert(run.text).inserted {
                shortTerms.append(run.text)
            }
        }
    }

    /// The FTS5 MATCH expression, or nil when there is no term of 3+ characters.
    var matchExpression: String? {
        guard !ftsTerms.isEmpty else { return nil }
        return ftsTerms.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " OR ")
    }

    /// Maximal runs of CJK characters, and of other letters/digits.
    static func runs(of text: String) -> [(text: String, isCJK: Bool)] {
        var runs: [(text: String, isCJK: Bool)] = []
        var current = ""
        var currentIsCJK = false
        for character in text {
            let isWordCharacter = character.isLetter || character.isNumber
            let isCJK = isWordCharacter && character.unicodeScalars.contains { Self.isCJK($0) }
            if !isWordCharacter || (!current.isEmpty && isCJK != currentIsCJK) {
                if !current.isEmpty { runs.append((current, currentIsCJK)) }
                current = ""
            }
            if isWordCharacter {
                current.append(character)
                currentIsCJK = isCJK
            }
        }
        if !current.isEmpty { runs.append((current, currentIsCJK)) }
        return runs
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
        default: false
        }
    }
}
