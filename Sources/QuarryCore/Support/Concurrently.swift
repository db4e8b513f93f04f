import Embeddings

/// Runs `first` and `second` at the same time, the second on a helper thread of
/// ``ForkJoinPool/shared`` when one is free, and returns both results once both are done; if
/// either throws, rethrows its error (the first's when both do).
func concurrently<First, Second>(_ first: () throws -> First, _ second: () throws -> Second) throws -> (First, Second) {
    let results = ResultPair<First, Second>()
    ForkJoinPool.shared.run(parts: 2) { part in
        // Each part writes only its own result; the pool's return orders the writes.
        if part == 0 {
            results.first = Result { try first() }
        } else {
            results.second = Result { try second() }
        }
    }
    return (try results.first!.get(), try results.second!.get())
}

/// The two results of ``concurrently(_:_:)``, each written by one thread.
private final class ResultPair<First, Second>: @unchecked Sendable {
    var first: Result<First, any Error>?
    var second: Result<Second, any Error>?
}
