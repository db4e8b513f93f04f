/// Splits text into the terms of Quarry's keyword index: each run of CJK
/// characters gives its overlapping character bigrams (a lone character gives
/// itself), each word of other letters or digits gives itself, lower-cased.
/// Passages are stored as these terms separated by spaces, so SQLite FTS5's
/// BM25 ranks by shared bigrams — the usual way to search Chinese without a
/// word segmenter.
enum KeywordTerms {
    static func terms(of text: String) -> [String] {
        var terms: [String] = []
        for run in runs(of: text) {
            if run.isCJK {
                let characters = Array(run.text)
                if characters.count == 1 {
                    terms.append(run.text)
                } else {
                    for start in 0..<(characters.count - 1) { terms.append(String(characters[start...(start + 1)])) }
                }
            } else {
                terms.append(run.text.lowercased())
            }
        }
        return terms
    }

    /// The terms of `text` as one space-separated string, for the FTS5 table.
    static func document(_ text: String) -> String {
        terms(of: text).joined(separator: " ")
    }

    /// Maximal runs of CJK characters, and of other letters/digits.
    static func runs(of text: String) -> [(text: String, isCJK: Bool)] {
        var runs: [(text: String, isCJK: Bool)] = []
        var current = ""
        var currentIsCJK = false
        for character in text {
            let isWordCharacter = character.isLetter || character.isNumber
            let isCJK = isWordCharacter && character.unicodeScalars.contains(where: CharacterClass.isCJK)
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
}
