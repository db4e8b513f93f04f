import Dispatch
import Foundation
import Testing

@testable import Embeddings

@Suite struct ForkJoinPoolTests {
    /// Counts, per part, how often it ran. It locks with NSLock, which ThreadSanitizer
    /// understands (it does not see Synchronization's Mutex on Linux).
    private final class PartCounts: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [Int]
        init(parts: Int) { counts = Array(repeating: 0, count: parts) }
        func ran(_ part: Int) { lock.withLock { counts[part] += 1 } }
        var values: [Int] { lock.withLock { counts } }
    }

    @Test(arguments: [0, 1, 2, 3, 5])
    func everyPartRunsOnceOnAPoolOfTwoHelpers(parts: Int) {
        let pool = ForkJoinPool(helpers: 2)
        for _ in 0..<200 {
            let counts = PartCounts(parts: parts)
            pool.run(parts: parts) { counts.ran($0) }
            #expect(counts.values == Array(repeating: 1, count: parts))
        }
    }

    @Test func callersAtOnceAndNestedCallsAllFinish() {
        let pool = ForkJoinPool(helpers: 1)
        let callers = 4
        let rounds = 500
        let totals = PartCounts(parts: callers)
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for _ in 0..<rounds {
                pool.run(parts: 2) { _ in
                    // A part that splits again gets Dispatch's threads while the pool is held.
                    pool.run(parts: 2) { _ in totals.ran(caller) }
                }
            }
        }
        #expect(totals.values == Array(repeating: 4 * rounds, count: callers))
    }

    @Test func aHelperThatFellAsleepIsWokenForTheNextPart() async throws {
        let pool = ForkJoinPool(helpers: 1)
        let counts = PartCounts(parts: 2)
        pool.run(parts: 2) { counts.ran($0) }
        try await Task.sleep(nanoseconds: 5 * ForkJoinPool.spinNanoseconds)
        pool.run(parts: 2) { counts.ran($0) }
        #expect(counts.values == [2, 2])
    }
}
