import Synchronization

/// Gives up on an operation that may never finish. PostgresNIO 1.x never answers a query written
/// to a connection that closed a moment before (it passed the pool's `isClosed` check, then the
/// server went away): such a query must be abandoned, since awaiting it would wait forever.
enum TimeLimit {
    /// An operation had no outcome within its limit and was abandoned.
    struct Exceeded: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "no answer within \(limit)" }
    }

    /// The outcome of `operation`, or ``Exceeded`` once `limit` has passed without one. The
    /// operation runs in a task of its own, which is cancelled and left behind when the limit
    /// passes; cancelling the caller ends the wait at once with `CancellationError`.
    static func run<Result: Sendable>(
        _ limit: Duration, _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let race = Race<Result>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.begin(
                    continuation,
                    work: Task {
                        do {
                            race.finish(.success(try await operation()))
                        } catch {
                            race.finish(.failure(error))
                        }
                    },
                    timer: Task {
                        guard (try? await Task.sleep(for: limit)) != nil else { return }
                        race.finish(.failure(Exceeded(limit: limit)))
                    })
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// The first outcome of an operation and its timer, handed once to the waiting caller.
    private final class Race<Result: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Result, any Error>?
            var tasks: [Task<Void, Never>] = []
            var outcome: Swift.Result<Result, any Error>?
        }
        private let state = Mutex(State())

        /// Records the waiting caller and the two tasks; hands over an outcome that came first.
        func begin(_ continuation: CheckedContinuation<Result, any Error>, work: Task<Void, Never>, timer: Task<Void, Never>) {
            let early = state.withLock { state -> Swift.Result<Result, any Error>? in
                state.tasks = [work, timer]
                if state.outcome == nil { state.continuation = continuation }
                return state.outcome
            }
            guard let early else { return }
            work.cancel()
            timer.cancel()
            continuation.resume(with: early)
        }

        /// Hands `outcome` to the caller unless another came first, and cancels both tasks.
        func finish(_ outcome: Swift.Result<Result, any Error>) {
            let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<Result, any Error>?, [Task<Void, Never>]) in
                guard state.outcome == nil else { return (nil, []) }
                state.outcome = outcome
                defer { state.continuation = nil }
                return (state.continuation, state.tasks)
            }
            for task in tasks { task.cancel() }
            continuation?.resume(with: outcome)
        }
    }
}
