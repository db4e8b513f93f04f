/// Splits text into the terms of Quarry's keyword index, lower-cased: each word of Latin
/// letters or digits is a term, and a run of CJK characters gives its overlapping character
/// bigrams — the usual way to search Chinese without a word segmenter. Passages are also
/// indexed under each CJK character, so that a one-character question matches the words
/// that contain it. ``KeywordIndex`` ranks passages by them with BM25.
enum KeywordTerms {
    /// The terms a passage is indexed under: its words, and of each CJK run every character
    /// and every bigram.
    static func documentTerms(of text: String) -> [String] {
        terms(of: text, characters: true)
    }

    /// The terms a question is matched by: its words, and of each CJK run its bigrams (a lone
    /// character stands for itself).
    static func queryTerms(of text: String) -> [String] {
        terms(of: text, characters: false)
    }

    private static func terms(of text: String, characters includeCharacters: Bool) -> [String] {
        var terms: [String] = []
        for run in runs(of: text) {
            guard run.isCJK else {
                terms.append(run.text.lowercased())
                continue
            }
            let characters = Array(run.text)
            if includeCharacters || characters.count == 1 {
                terms += characters.map(String.init)
            }
            for start in characters.indices.dropLast() {
                terms.append(String(characters[start...(start + 1)]))
            }
        }
        return terms
    }

    /// Maximal runs of CJK characters, and of other letters/digits, each with the offsets
    /// (in Unicode scalars of `text`) where its characters start, and where it ends.
    static func runs(of text: String) -> [Run] {
        var runs: [Run] = []
        var current = Run(text: "", isCJK: false, characterStarts: [], end: 0)
        var offset = 0
        for character in text {
            let isWordCharacter = character.isLetter || character.isNumber
            let isCJK = isWordCharacter && character.unicodeScalars.contains(where: CharacterClass.isCJK)
            if !isWordCharacter || (!current.text.isEmpty && isCJK != current.isCJK) {
                if !current.text.isEmpty { runs.append(current) }
                current = Run(text: "", isCJK: false, characterStarts: [], end: offset)
            }
            let length = character.unicodeScalars.count
            if isWordCharacter {
                current.text.append(character)
                current.isCJK = isCJK
                current.characterStarts.append(offset)
                current.end = offset + length
            }
            offset += length
        }
        if !current.text.isEmpty { runs.append(current) }
        return runs
    }

    /// A maximal run of CJK characters, or of other letters and digits.
    struct Run: Equatable {
        var text: String
        var isCJK: Bool
        /// Scalar offset in the text of each of the run's characters.
        var characterStarts: [Int]
        /// Scalar offset in the text just past the run.
        var end: Int
    }
}
