import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 child channel with Quarry's connection guards around the parser:
/// ``RequestStartHandler`` before the decoder and ``RequestFramingHandler`` after it, sharing
/// one ``ConnectionDeadlines``. Requests are then answered by Hummingbird as usual.
struct QuarryHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let timeouts: ConnectionTimeouts
    /// Largest header block of a request, in bytes.
    let maxHeaderBytes: Int

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let deadlines = ConnectionDeadlines(timeouts: timeouts)
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderFieldSize = maxHeaderBytes
            decoderLimits.maxHeaderListSize = maxHeaderBytes
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(RequestStartHandler(deadlines: deadlines))
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,
                withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: decoderLimits
            )
            try pipeline.addHandler(RequestFramingHandler(deadlines: deadlines))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(HTTPConnectionStateHandler(logger: logger))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 through ``QuarryHTTP1Channel``.
    static func quarryHTTP1(timeouts: ConnectionTimeouts, maxHeaderBytes: Int) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            QuarryHTTP1Channel(responder: responder, timeouts: timeouts, maxHeaderBytes: maxHeaderBytes)
        }
    }
}
