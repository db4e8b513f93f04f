import Dispatch

/// Measures the time elapsed since it was made, on the monotonic clock.
public struct Stopwatch: Sendable {
    private let start = DispatchTime.now().uptimeNanoseconds

    /// A stopwatch started now.
    public init() {}

    /// Seconds since the stopwatch started.
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Milliseconds since the stopwatch started.
    public var milliseconds: Double { seconds * 1000 }
}
