import Testing

@testable import Embeddings

@Suite struct ParallelTests {
    @Test(arguments: [(0, 4), (1, 4), (7, 1), (7, 3), (100, 8), (3, 16)])
    func mappedRangesCoverEveryIndexOnceInOrder(count: Int, threads: Int) {
        let ranges = parallelMapRanges(count, threads: threads) { $0 }
        #expect(ranges.flatMap { Array($0) } == Array(0..<count))
        #expect(ranges.count == (count == 0 ? 0 : min(threads, count)))
        #expect(ranges.allSatisfy { !$0.isEmpty })
    }
}
