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
    /// unchanged when one of them has no fingerprint.
    static func ordered<Hit>(
        _ hits: [Hit], score: (Hit) -> Double, id: (Hit) -> Int64, query: ImageFingerprint,
        fingerprints: (_ ids: [Int64]) throws -> [Int64: ImageFingerprint]
    ) rethrows -> [Hit] {
        guard let best = hits.first.map(score) else { return hits }
        let tied = hits.prefix { score($0) >= best - window }
        guard tied.count > 1 else { return hits }
        let stored = try fingerprints(tied.map(id))
        var prepared = ImageFingerprint.Query(query)
        var combined: [Double] = []
        for hit in tied {
            guard let fingerprint = stored[id(hit)] else { return hits }
            combined.append(score(hit) + fingerprintWeight * prepared.similarity(toStored: fingerprint))
        }
        let order = tied.indices.sorted { combined[$0] > combined[$1] || (combined[$0] == combined[$1] && $0 < $1) }
        return order.map { tied[$0] } + hits.dropFirst(tied.count)
    }
}
