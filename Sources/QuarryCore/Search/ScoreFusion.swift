/// Fuses a vector ranking and a keyword ranking by their scores: each list's scores are
/// rescaled to 0…1 (its best 1, its last 0; a list of equal scores is all 1) and a passage's
/// fused score is the weighted sum over the lists it appears in. Unlike reciprocal-rank
/// fusion it keeps how far ahead a list's leaders are. Method, weight and list depth were
/// chosen on the tuning split of the course evaluation set (`eval/fusion_study.py`).
public struct ScoreFusion: Sendable {
    /// Weight of the vector list; the keyword list gets the rest.
    public var vectorWeight: Double

    /// Candidates each list contributes when unfiltered; the rescaling depends on it.
    public static let listDepth = 50

    public init(vectorWeight: Double = 0.5) {
        self.vectorWeight = vectorWeight
    }

    /// Fuses two rankings (best first, scores in the list's own scale and direction) into one,
    /// best first, with scores in 0…1; ties keep the order of first appearance, vector list first.
    public func fuse(vector: [(id: Int64, score: Double)], keyword: [(id: Int64, score: Double)]) -> [(id: Int64, score: Double)] {
        var scores: [Int64: Double] = [:]
        var order: [Int64] = []
        for (ranking, weight) in [(vector, vectorWeight), (keyword, 1 - vectorWeight)] {
            guard let best = ranking.first?.score, let worst = ranking.last?.score else { continue }
            for entry in ranking {
                if scores[entry.id] == nil { order.append(entry.id) }
                let rescaled = best == worst ? 1 : (entry.score - worst) / (best - worst)
                scores[entry.id, default: 0] += weight * rescaled
            }
        }
        let firstSeen = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        return
            order
            .map { (id: $0, score: scores[$0]!) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : firstSeen[$0.id]! < firstSeen[$1.id]! }
    }
}
