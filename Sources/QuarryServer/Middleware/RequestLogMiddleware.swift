import Foundation
import HTTPTypes
import Hummingbird
import Logging
import QuarryCore

/// Gives each request an id and logs one line per request.
///
/// The id is the incoming `X-Request-Id` when it is a sane token (1 to 64 of
/// `A-Z a-z 0-9 . _ -`), a random UUID otherwise. It is answered in the
/// `X-Request-Id` header, error responses included, and set on the request's
/// logger as `request_id` (and as Hummingbird's `hb.request.id`, so `context.id`
/// agrees). The line, at info, holds `request_id`, `method`, `route`, `path`
/// (no query string), `status` and `latency_ms`.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = Stopwatch()
        let id = request.headers[Self.header].flatMap { Self.isSaneID($0) ? $0 : nil } ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[Self.header] = id
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "route": .string(MetricsMiddleware<Context>.route(context)),
                "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "latency_ms": .string(String(format: "%.3f", start.milliseconds)),
            ])
        return response
    }

    /// Whether a client-sent id can be echoed and logged as it is.
    static func isSaneID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }
}
