import QuarryCore
import Testing

@Suite struct ScoreFusionTests {
    @Test func rescalesEachListAndAddsTheWeightedScores() {
        let fused = ScoreFusion(vectorWeight: 0.5).fuse(
            vector: [(1, 0.90), (2, 0.80), (3, 0.70)],
            keyword: [(3, 12.0), (4, 6.0), (1, 2.0)]
        )
        #expect(fused.map(\.id) == [1, 3, 2, 4])
        let scores = Dictionary(uniqueKeysWithValues: fused.map { ($0.id, $0.score) })
        #expect(abs(scores[1]! - 0.5) < 1e-12)  // vector best, keyword last
        #expect(abs(scores[3]! - 0.5) < 1e-12)  // vector last, keyword best
        #expect(abs(scores[2]! - 0.25) < 1e-12)
        #expect(abs(scores[4]! - 0.2) < 1e-12)
    }

    /// L2 distances run smaller-is-better: the rescaling follows the list's order, not the sign.
    @Test func followsTheListOrderForDistances() {
        let fused = ScoreFusion(vectorWeight: 1).fuse(vector: [(7, 0.1), (8, 0.5), (9, 0.9)], keyword: [])
        #expect(fused.map(\.id) == [7, 8, 9])
        #expect(fused.map(\.score) == [1, 0.5, 0])
    }

    @Test func aListOfEqualScoresCountsAsBest() {
        let fused = ScoreFusion(vectorWeight: 0.5).fuse(vector: [(1, 0.9), (2, 0.5), (3, 0.1)], keyword: [(2, 3.0)])
        #expect(fused.map(\.id) == [2, 1, 3])
        #expect(fused.map(\.score) == [0.75, 0.5, 0])
        #expect(ScoreFusion().fuse(vector: [], keyword: []).isEmpty)
    }

    @Test func tiesKeepTheOrderOfFirstAppearance() {
        let fused = ScoreFusion(vectorWeight: 0.5).fuse(vector: [(5, 1), (6, 0)], keyword: [(6, 1), (5, 0)])
        #expect(fused.map(\.id) == [5, 6])
    }
}
