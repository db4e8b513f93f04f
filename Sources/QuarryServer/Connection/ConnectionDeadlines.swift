import NIOCore

/// The one deadline a connection is under at any time: idle, header, or body
/// (``ConnectionTimeouts``), closing the connection when it passes.
///
/// Shared by ``RequestStartHandler`` (which sees bytes) and ``RequestFramingHandler``
/// (which sees parsed request parts) of one connection; both run on its event loop.
final class ConnectionDeadlines {
    /// What the connection is waiting for.
    enum Phase {
        /// The next request; no byte of it has arrived.
        case idle
        /// The rest of a request's header.
        case header
        /// The rest of a request's body.
        case body
        /// The server's answer; no deadline.
        case answering
    }

    let timeouts: ConnectionTimeouts
    private(set) var phase = Phase.answering
    private var scheduled: Scheduled<Void>?

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    /// Enters `phase` and starts its deadline on `context`'s channel.
    func enter(_ phase: Phase, context: ChannelHandlerContext) {
        self.phase = phase
        scheduled?.cancel()
        scheduled = nil
        let seconds: Double
        switch phase {
        case .idle: seconds = timeouts.idle
        case .header: seconds = timeouts.header
        case .body: seconds = timeouts.body
        case .answering: return
        }
        let channel = context.channel
        scheduled = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
            channel.close(promise: nil)
        }
    }

    /// Stops the current deadline for good (the connection is closing).
    func cancel() {
        scheduled?.cancel()
        scheduled = nil
    }
}
