import Foundation

/// How many searches may run at once before Quarry degrades them, and before it refuses them.
public struct LoadLimits: Sendable, Equatable {
    /// Searches in flight above which new ones run degraded (smaller nprobe/efSearch and top_k, cache first).
    public var softLimit: Int
    /// Searches in flight above which new ones are refused with 503 and `Retry-After`.
    public var hardLimit: Int
    /// Seconds a refused client is asked to wait.
    public var retryAfterSeconds: Int

    /// Defaults scale with the cores: degrade past 4 searches per core in flight, refuse past 16.
    public init(
        softLimit: Int = 4 * ProcessInfo.processInfo.activeProcessorCount,
        hardLimit: Int = 16 * ProcessInfo.processInfo.activeProcessorCount, retryAfterSeconds: Int = 1
    ) {
        self.softLimit = softLimit
        self.hardLimit = max(hardLimit, softLimit)
        self.retryAfterSeconds = retryAfterSeconds
    }
}
