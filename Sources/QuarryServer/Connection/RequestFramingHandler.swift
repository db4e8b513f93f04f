import NIOCore
import NIOHTTP1

/// Sits after the HTTP/1 decoder and keeps each connection to the protocol's promises
/// and to its deadlines:
/// - the body deadline runs from a request's header to its end, the idle deadline from
///   the end of an answer to the next request;
/// - `Expect: 100-continue` is answered with `100 Continue` at once;
/// - a connection is closed after its answer when the request asked for it (HTTP/1.0
///   without keep-alive, `Connection: close`) or the answer says `Connection: close`;
/// - once the server has closed its side, the client gets ``ConnectionTimeouts/linger``
///   seconds to close its own before the connection is closed for good.
final class RequestFramingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let deadlines: ConnectionDeadlines
    /// Whether a request's body is still arriving.
    private var readingBody = false
    /// Requests read whose answers are not written yet.
    private var unansweredRequests = 0
    private var closeAfterAnswer = false

    init(deadlines: ConnectionDeadlines) {
        self.deadlines = deadlines
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            readingBody = true
            unansweredRequests += 1
            deadlines.enter(.body, context: context)
            if !head.isKeepAlive { closeAfterAnswer = true }
            if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                let interim = HTTPResponseHead(version: head.version, status: .continue)
                context.writeAndFlush(wrapOutboundOut(.head(interim)), promise: nil)
            }
        case .body:
            break
        case .end:
            readingBody = false
            deadlines.enter(unansweredRequests == 0 ? .idle : .answering, context: context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.status != .continue, head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "close" }) {
                closeAfterAnswer = true
            }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            unansweredRequests = max(0, unansweredRequests - 1)
            if closeAfterAnswer, unansweredRequests == 0 {
                deadlines.cancel()
                context.writeAndFlush(data, promise: promise)
                context.close(promise: nil)
                return
            }
            if !readingBody, unansweredRequests == 0 { deadlines.enter(.idle, context: context) }
            context.write(data, promise: promise)
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .output {
            deadlines.cancel()
            let channel = context.channel
            context.eventLoop.scheduleTask(in: .nanoseconds(Int64(deadlines.timeouts.linger * 1e9))) {
                channel.close(promise: nil)
            }
        }
        context.close(mode: mode, promise: promise)
    }
}
