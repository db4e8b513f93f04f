import Dispatch

/// Runs blocking work (a store write, a model load) on a Dispatch thread, off the tasks of the
/// cooperative pool, and resumes with its result.
public func onBlockingThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
