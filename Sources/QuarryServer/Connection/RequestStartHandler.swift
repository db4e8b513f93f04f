import NIOCore

/// Sits before the HTTP decoder and starts the header deadline at the first byte of a
/// request, so a client dripping its header a byte at a time is cut off after
/// ``ConnectionTimeouts/header`` seconds.
final class RequestStartHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadlines: ConnectionDeadlines

    init(deadlines: ConnectionDeadlines) {
        self.deadlines = deadlines
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { deadlines.enter(.idle, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        deadlines.enter(.idle, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadlines.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if deadlines.phase == .idle { deadlines.enter(.header, context: context) }
        context.fireChannelRead(data)
    }
}
