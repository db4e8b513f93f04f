import Foundation

/// Runs CPU-bound search work (embedding, FAISS) on its own threads, at most
/// one per core, so the tasks serving requests never block: a request waiting
/// for a core stays suspended, counted as in flight by ``LoadSheddingMiddleware``.
final class SearchExecutor: @unchecked Sendable {
    // OperationQueue is thread-safe; it is only configured in `init`.
    private let queue = OperationQueue()

    init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        queue.name = "quarry.search"
        queue.maxConcurrentOperationCount = max(1, threads)
        queue.qualityOfService = .userInitiated
    }

    /// Runs `work` on one of the executor's threads and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.addOperation { continuation.resume(with: Result { try work() }) }
        }
    }
}
