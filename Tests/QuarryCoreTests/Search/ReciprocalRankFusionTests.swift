import QuarryCore
import Testing

@Suite struct ReciprocalRankFusionTests {
    @Test func itemsInBothRankingsWin() {
        let fused = ReciprocalRankFusion(k: 60).fuse([[1, 2, 3], [3, 4, 1]])
        #expect(fused.map(\.id) == [1, 3, 2, 4])
        #expect(abs(fused[0].score - (1.0 / 61 + 1.0 / 63)) < 1e-12)
    }

    @Test func tiesKeepFirstAppearance() {
        let fused = ReciprocalRankFusion().fuse([[5], [6]])
        #expect(fused.map(\.id) == [5, 6])
    }

    @Test func emptyRankings() {
        #expect(ReciprocalRankFusion().fuse([[], []]).isEmpty)
    }
}
