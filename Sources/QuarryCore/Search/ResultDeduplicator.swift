/// Drops results that repeat a better-ranked one: passages of the same source
/// whose spans overlap, or passages with nearly the same text.
struct ResultDeduplicator {
    /// Share of character trigrams two texts must have in common to count as the same.
    var nearDuplicateThreshold = 0.9

    func deduplicate(_ ranked: [(passage: StoredPassage, score: Double)]) -> [(passage: StoredPassage, score: Double)] {
        var kept: [(passage: StoredPassage, score: Double, grams: Set<String>)] = []
        for candidate in ranked {
            let grams = Self.trigrams(candidate.passage.text)
            let repeats = kept.contains { existing in
                if existing.passage.source == candidate.passage.source,
                    let a = existing.passage.span, let b = candidate.passage.span, a.overlaps(b)
                {
                    return true
                }
                return Self.similarity(existing.grams, grams) >= nearDuplicateThreshold
            }
            if !repeats { kept.append((candidate.passage, candidate.score, grams)) }
        }
        return kept.map { ($0.passage, $0.score) }
    }

    static func trigrams(_ text: String) -> Set<String> {
        let characters = Array(text.filter { !$0.isWhitespace })
        guard characters.count >= 3 else { return [String(characters)] }
        return Set((0...(characters.count - 3)).map { String(characters[$0..<($0 + 3)]) })
    }

    /// Jaccard similarity.
    static func similarity(_ a: Set<String>, _ b: Set<String>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 1 : Double(a.intersection(b).count) / Double(union)
    }
}
