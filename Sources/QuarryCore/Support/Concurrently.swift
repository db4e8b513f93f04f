import Dispatch

/// Runs `first` and `second` at the same time, the second on another of Dispatch's worker
/// threads when one is free, and returns both results once both are done; if either throws,
/// rethrows its error (the first's when both do). It leaves ``ForkJoinPool/shared`` to what the
/// two may split further (the query's embedding), and keeps no thread spinning under load.
func concurrently<First, Second>(_ first: () throws -> First, _ second: () throws -> Second) throws -> (First, Second) {
    let results = ResultPair<First, Second>()
    withoutActuallyEscaping(first) { first in
        withoutActuallyEscaping(second) { second in
            let jobs = UncheckedJobs(first: first, second: second, results: results)
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                // Each part writes only its own result; concurrentPerform's return orders the writes.
                if part == 0 {
                    jobs.results.first = Result { try jobs.first() }
                } else {
                    jobs.results.second = Result { try jobs.second() }
                }
            }
        }
    }
    return (try results.first!.get(), try results.second!.get())
}

/// The two results of ``concurrently(_:_:)``, each written by one thread.
private final class ResultPair<First, Second>: @unchecked Sendable {
    var first: Result<First, any Error>?
    var second: Result<Second, any Error>?
}

/// The jobs of ``concurrently(_:_:)``, shared with Dispatch's threads for the call's duration.
private struct UncheckedJobs<First, Second>: @unchecked Sendable {
    let first: () throws -> First
    let second: () throws -> Second
    let results: ResultPair<First, Second>
}
