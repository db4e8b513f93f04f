/// Reciprocal-rank fusion: a document's fused score is the sum over the ranked
/// lists it appears in of `1 / (k + rank)` (rank from 1). Robust to the very
/// different score scales of vector and BM25 rankings.
public struct ReciprocalRankFusion: Sendable {
    /// Damping constant; 60 is the value of the original paper.
    public var k: Double

    public init(k: Double = 60) {
        self.k = k
    }

    /// Fuses ranked id lists (best first) into one list, best first; ties keep
    /// the order of first appearance.
    public func fuse(_ rankings: [[Int64]]) -> [(id: Int64, score: Double)] {
        var scores: [Int64: Double] = [:]
        var order: [Int64] = []
        for ranking in rankings {
            for (position, id) in ranking.enumerated() {
                if scores[id] == nil { order.append(id) }
                scores[id, default: 0] += 1 / (k + Double(position + 1))
            }
        }
        let firstSeen = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        return order
            .map { (id: $0, score: scores[$0]!) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : firstSeen[$0.id]! < firstSeen[$1.id]! }
    }
}
