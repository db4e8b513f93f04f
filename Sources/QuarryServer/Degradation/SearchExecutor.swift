import Foundation
import QuarryCore
import Synchronization

/// Runs CPU-bound work (embedding, FAISS) on its own threads, at most one per core, so the
/// tasks serving requests never block: a request waiting for a thread stays suspended.
///
/// It measures what load shedding decides on: how long searches take once running (normal and
/// degraded, as moving averages) and how long work waits for a thread, so that
/// ``predictedLatency(degraded:)`` is the latency a search submitted now would see. With
/// `metrics`, it also reports the jobs waiting and how long each waited.
final class SearchExecutor: @unchecked Sendable {
    /// What a job is, for the measurements.
    enum Work: Sendable {
        /// A search; `degraded` when it runs with cheaper settings.
        case search(degraded: Bool)
        /// Anything else (document and image uploads): it occupies a thread but is not a search.
        case other
        /// An index rebuild: it holds a thread for seconds or minutes, so it is left out of the
        /// moving averages, which it would swamp; the work queued behind it still counts.
        case rebuild

        var isSearch: Bool {
            if case .search = self { true } else { false }
        }
    }

    // OperationQueue is thread-safe; it is only configured in `init`.
    private let queue = OperationQueue()
    private let threads: Int
    /// Seconds a search may wait for a thread: one that waited longer is already late, and is
    /// refused rather than run.
    private let searchDeadline: Double
    private let queuedSearches = Atomic(0)
    private let queuedOther = Atomic(0)
    private let running = Atomic(0)
    private let measured = Mutex(Measurements())
    private let metrics: QuarryMetrics?

    /// Moving averages, in seconds, of the last ~20 jobs of each kind.
    private struct Measurements {
        var searchSeconds = 0.010
        var degradedSearchSeconds = 0.005
        var otherSeconds = 0.050

        static let weight = 0.05

        mutating func record(_ seconds: Double, of kind: Work) {
            switch kind {
            case .search(degraded: false): searchSeconds += Self.weight * (seconds - searchSeconds)
            case .search(degraded: true): degradedSearchSeconds += Self.weight * (seconds - degradedSearchSeconds)
            case .other: otherSeconds += Self.weight * (seconds - otherSeconds)
            case .rebuild: break
            }
        }
    }

    init(threads: Int = ProcessInfo.processInfo.activeProcessorCount, searchDeadline: Double = .infinity, metrics: QuarryMetrics? = nil) {
        self.threads = max(1, threads)
        self.searchDeadline = searchDeadline
        self.metrics = metrics
        queue.name = "quarry.search"
        queue.maxConcurrentOperationCount = self.threads
        queue.qualityOfService = .userInitiated
    }

    /// Runs `work` on one of the executor's threads and returns its result. A search that
    /// waited longer than the executor's search deadline for a thread is not run: it throws
    /// ``Overloaded`` instead, as its answer would come too late.
    func run<T: Sendable>(_ kind: Work = .other, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await runSharing(kind) { _ in try work() }
    }

    /// Runs `work` like ``run(_:_:)``, telling it how many threads it may use: every thread of
    /// the executor when it is the only job running and none waits (one user sees the lowest
    /// latency), otherwise one.
    func runSharing<T: Sendable>(_ kind: Work = .other, _ work: @escaping @Sendable (_ threads: Int) throws -> T) async throws -> T {
        let submitted = Stopwatch()
        countQueued(kind, 1)
        return try await withCheckedThrowingContinuation { continuation in
            queue.addOperation { [self] in
                countQueued(kind, -1)
                let waited = submitted.seconds
                let started = Stopwatch()
                metrics?.recordExecutorWait(search: kind.isSearch, seconds: waited)
                if case .search = kind, waited > searchDeadline {
                    continuation.resume(throwing: Overloaded(waitedSeconds: waited))
                    return
                }
                let alone =
                    running.add(1, ordering: .relaxed).newValue == 1
                    && queuedSearches.load(ordering: .relaxed) == 0 && queuedOther.load(ordering: .relaxed) == 0
                let result = Result { try work(alone ? threads : 1) }
                running.subtract(1, ordering: .relaxed)
                let seconds = started.seconds
                measured.withLock { $0.record(seconds, of: kind) }
                continuation.resume(with: result)
            }
        }
    }

    private func countQueued(_ kind: Work, _ change: Int) {
        let now =
            kind.isSearch
            ? queuedSearches.add(change, ordering: .relaxed).newValue : queuedOther.add(change, ordering: .relaxed).newValue
        metrics?.setExecutorQueue(search: kind.isSearch, jobs: now)
    }

    /// Seconds a search submitted now would take to answer: the work queued ahead of it (each
    /// job at its kind's measured time) shared among the threads, about half a search more when
    /// every thread is busy, and the measured time of a search itself.
    func predictedLatency(degraded: Bool) -> Double {
        let measurements = measured.withLock { $0 }
        let queuedWork =
            Double(queuedSearches.load(ordering: .relaxed)) * measurements.searchSeconds
            + Double(queuedOther.load(ordering: .relaxed)) * measurements.otherSeconds
        let busy = running.load(ordering: .relaxed) >= threads ? measurements.searchSeconds / 2 : 0
        let service = degraded ? measurements.degradedSearchSeconds : measurements.searchSeconds
        return queuedWork / Double(threads) + busy + service
    }

    /// Work that waited longer for a thread than its deadline allowed.
    struct Overloaded: Error {
        let waitedSeconds: Double
    }
}
