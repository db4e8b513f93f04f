import Synchronization
import Testing

@testable import QuarryCluster

/// Operations given up on after a time limit, even when they ignore cancellation.
@Suite struct TimeLimitTests {
    /// A wait that ignores cancellation and ends only when `release` is called.
    final class Gate: Sendable {
        private let waiting = Mutex<[CheckedContinuation<Void, Never>]>([])

        func wait() async {
            await withCheckedContinuation { continuation in waiting.withLock { $0.append(continuation) } }
        }

        func release() {
            for continuation in waiting.withLock({ state in
                defer { state = [] }
                return state
            }) { continuation.resume() }
        }
    }

    struct Refusal: Error, Equatable {}

    @Test func anOperationThatNeverAnswersIsAbandonedAtItsLimit() async throws {
        let gate = Gate()
        defer { gate.release() }
        let started = ContinuousClock.now
        await #expect(throws: TimeLimit.Exceeded.self) {
            try await TimeLimit.run(.milliseconds(200)) {
                await gate.wait()
                return 1
            }
        }
        // No upper bound: with every suite running at once, the timer may wait long for a thread.
        #expect(ContinuousClock.now - started >= .milliseconds(200))
    }

    @Test func anAnswerOrAnErrorWithinTheLimitComesThroughUnchanged() async throws {
        #expect(try await TimeLimit.run(.seconds(5)) { 42 } == 42)
        await #expect(throws: Refusal()) { try await TimeLimit.run(.seconds(5)) { () async throws -> Int in throw Refusal() } }
    }

    @Test func cancellingTheCallerEndsTheWaitAtOnce() async throws {
        let gate = Gate()
        defer { gate.release() }
        let waiting = Task {
            try await TimeLimit.run(.seconds(60)) {
                await gate.wait()
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        // Had the cancellation not ended the wait, the limit would have, with `Exceeded`.
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }
}
