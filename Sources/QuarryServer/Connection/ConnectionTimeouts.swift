/// How long a client connection may take over each step of a request, in seconds.
///
/// Each bound stops one way of holding a connection open without finishing a request:
/// dripping a header a byte at a time, dripping a body, or connecting and sending nothing.
public struct ConnectionTimeouts: Sendable, Equatable {
    /// From a request's first byte until its header is complete.
    public var header: Double
    /// From a request's header until its body is complete.
    public var body: Double
    /// A connection with no request in progress is closed after this long.
    public var idle: Double
    /// After the server has closed its side, how long it waits for the client to close its own.
    public var linger: Double

    public init(header: Double = 10, body: Double = 60, idle: Double = 60, linger: Double = 2) {
        self.header = header
        self.body = body
        self.idle = idle
        self.linger = linger
    }
}
