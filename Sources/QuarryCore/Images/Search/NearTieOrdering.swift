import Embeddings

/// Orders the near ties at the top of an image search by a pixel comparison: each candidate
/// whose similarity is within ``window`` of the best is ranked by its similarity plus
/// ``fingerprintWeight`` × its fingerprint's match with the query's
/// (``ImageFingerprint/similarity(toStored:)``), so that of stored images the embedding finds
/// equally close (variants of a drawing, mirrored twins) the one the query shows comes first.
/// The settings were chosen on openclipart picks kept apart from those reported
/// (`benchmarks/images/near_tie_study.py`, docs/benchmarks.md).
enum NearTieOrdering {
    /// Most candidates a search with a fingerprint takes from the index to look for near ties in.
    static let candidates = 30
    /// Candidates less similar than the best by more than this keep the embedding's order.
    static let window = 0.1
    /// Weight of the fingerprint match beside the embedding's similarity.
    static let fingerprintWeight = 2.0

    /// `hits` (best first) with the near ties at the top in the order of the combined score;
    /// unchanged when one of them has no fingerprint. Each of `lookalikes` (stored images whose
    /// fingerprints resemble the query's, ``FingerprintNeighbours``) that is not a near tie
    /// joins them if its combined score reaches the lowest of theirs.
    static func ordered<Hit>(
        _ hits: [Hit], lookalikes: [Hit] = [], score: (Hit) -> Double, id: (Hit) -> Int64, query: ImageFingerprint,
        fingerprints: (_ ids: [Int64]) throws -> [Int64: ImageFingerprint]
    ) rethrows -> [Hit] {
        guard let best = hits.first.map(score) else { return hits }
        let tied = hits.prefix { score($0) >= best - window }
        guard tied.count + lookalikes.count > 1 else { return hits }
        var prepared = ImageFingerprint.Query(query)
        var ranked: [(hit: Hit, combined: Double)] = []
        let tiedFingerprints = try fingerprints(tied.map(id))
        for hit in tied {
            guard let fingerprint = tiedFingerprints[id(hit)] else { return hits }
            ranked.append((hit, score(hit) + fingerprintWeight * prepared.similarity(toStored: fingerprint)))
        }
        // A match is at most 1: a lookalike whose score cannot reach the lowest near tie is not compared.
        let lowest = ranked.map(\.combined).min() ?? -.infinity
        let tiedIDs = Set(tied.map(id))
        let contenders = lookalikes.filter { !tiedIDs.contains(id($0)) && score($0) + fingerprintWeight >= lowest }
        let contenderFingerprints = try fingerprints(contenders.map(id))
        for hit in contenders {
            guard let fingerprint = contenderFingerprints[id(hit)] else { continue }
            let combined = score(hit) + fingerprintWeight * prepared.similarity(toStored: fingerprint)
            if combined >= lowest { ranked.append((hit, combined)) }
        }
        let order = ranked.indices.sorted { ranked[$0].combined > ranked[$1].combined || (ranked[$0].combined == ranked[$1].combined && $0 < $1) }
        let joined = Set(ranked.dropFirst(tied.count).map { id($0.hit) })
        return order.map { ranked[$0].hit } + hits.dropFirst(tied.count).filter { !joined.contains(id($0)) }
    }
}
