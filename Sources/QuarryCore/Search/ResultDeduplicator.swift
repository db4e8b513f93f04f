/// Removes repetition from ranked results. Passages of one source whose
/// spans overlap are coalesced into the better-ranked result (its text and
/// span grow to cover both, up to `maxMergedLength` characters; beyond that the
/// lower-ranked one is dropped). Passages with nearly the same text as a
/// better-ranked one are dropped.
struct ResultDeduplicator {
    /// Share of character trigrams two texts must have in common to count as the same.
    var nearDuplicateThreshold = 0.9
    /// Longest text a coalesced result may have.
    var maxMergedLength = 1_500

    /// The first `limit` distinct results of `ranked` (best first).
    func deduplicate(_ ranked: [(passage: StoredPassage, score: Double)], limit: Int) -> [(passage: StoredPassage, score: Double)] {
        var kept: [(passage: StoredPassage, score: Double, grams: Set<UInt64>)] = []
        for candidate in ranked {
            if kept.count == limit { break }
            if let index = kept.firstIndex(where: { overlaps($0.passage, candidate.passage) }) {
                if let merged = merge(kept[index].passage, candidate.passage) {
                    kept[index].passage = merged
                }
                continue
            }
            let grams = Self.trigrams(candidate.passage.text)
            if kept.contains(where: { Self.similarity($0.grams, grams) >= nearDuplicateThreshold }) { continue }
            kept.append((candidate.passage, candidate.score, grams))
        }
        return kept.map { ($0.passage, $0.score) }
    }

    func overlaps(_ a: StoredPassage, _ b: StoredPassage) -> Bool {
        guard a.source == b.source, let x = a.span, let y = b.span else { return false }
        return x.overlaps(y)
    }

    /// `kept` extended by the part of `other` outside it, when both are exact slices of their source.
    func merge(_ kept: StoredPassage, _ other: StoredPassage) -> StoredPassage? {
        guard let a = kept.span, let b = other.span, a.count == kept.text.unicodeScalars.count,
            b.count == other.text.unicodeScalars.count
        else { return nil }
        let scalarsA = Array(kept.text.unicodeScalars)
        let scalarsB = Array(other.text.unicodeScalars)
        var text = String.UnicodeScalarView()
        if b.lowerBound < a.lowerBound { text.append(contentsOf: scalarsB[0..<(a.lowerBound - b.lowerBound)]) }
        text.append(contentsOf: scalarsA)
        if b.upperBound > a.upperBound { text.append(contentsOf: scalarsB[(scalarsB.count - (b.upperBound - a.upperBound))...]) }
        guard text.count <= maxMergedLength else { return nil }
        return StoredPassage(
            id: kept.id, source: kept.source, text: String(text), chapter: kept.chapter, page: kept.page,
            span: min(a.lowerBound, b.lowerBound)..<max(a.upperBound, b.upperBound), metadata: kept.metadata
        )
    }

    /// Trigrams of the text's non-space scalars, each packed into one integer (21 bits a scalar).
    static func trigrams(_ text: String) -> Set<UInt64> {
        let scalars = text.unicodeScalars.filter { !$0.properties.isWhitespace }.map { UInt64($0.value) }
        guard scalars.count >= 3 else { return [scalars.reduce(0) { $0 << 21 | $1 }] }
        var grams = Set<UInt64>(minimumCapacity: scalars.count)
        for start in 0...(scalars.count - 3) {
            grams.insert(scalars[start] << 42 | scalars[start + 1] << 21 | scalars[start + 2])
        }
        return grams
    }

    /// Jaccard similarity.
    static func similarity(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 1 : Double(a.intersection(b).count) / Double(union)
    }
}
