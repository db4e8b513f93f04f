import Foundation

/// When Quarry degrades searches, and when it refuses them: by the latency a new search would
/// see, measured, against an objective; plus a bound on searches in flight that keeps memory in check.
public struct LoadLimits: Sendable, Equatable {
    /// The latency (seconds) searches should stay under at the 95th percentile: the tutorial's 500 ms.
    public var latencyObjective: Double
    /// Share of ``latencyObjective`` above which a search whose predicted latency lies runs degraded.
    public var degradeAtShare: Double
    /// Share of ``latencyObjective`` above which a search, even degraded, is refused with 503.
    public var refuseAtShare: Double
    /// Searches in flight above which new ones are refused whatever their predicted latency.
    public var hardLimit: Int
    /// Seconds a refused client is asked to wait.
    public var retryAfterSeconds: Int

    /// The latency above which searches run degraded (seconds).
    public var degradeAbove: Double { latencyObjective * degradeAtShare }
    /// The latency above which searches are refused (seconds).
    public var refuseAbove: Double { latencyObjective * refuseAtShare }

    public init(
        latencyObjective: Double = 0.5, degradeAtShare: Double = 1, refuseAtShare: Double = 1,
        hardLimit: Int = 256 * ProcessInfo.processInfo.activeProcessorCount, retryAfterSeconds: Int = 1
    ) {
        self.latencyObjective = latencyObjective
        self.degradeAtShare = degradeAtShare
        self.refuseAtShare = max(refuseAtShare, degradeAtShare)
        self.hardLimit = hardLimit
        self.retryAfterSeconds = retryAfterSeconds
    }
}
