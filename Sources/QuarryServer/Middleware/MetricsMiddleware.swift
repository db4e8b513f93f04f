import Foundation
import Hummingbird
import QuarryCore

/// Counts requests and records their latency by method, matched route pattern
/// (e.g. `/v1/collections/{name}/search`, or `unmatched`) and status.
/// `/health` and `/metrics` are left out so probes and scrapes do not drown the traffic.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: QuarryMetrics

    static var excludedRoutes: Set<String> { ["/health", "/metrics"] }

    /// Methods kept as labels; any other becomes "other", bounding the label's values.
    static var knownMethods: Set<HTTPRequest.Method> { [.get, .head, .post, .put, .patch, .delete, .options] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let route = context.endpointPath, Self.excludedRoutes.contains(route) {
            return try await next(request, context)
        }
        let start = Stopwatch()
        metrics.requestStarted()
        func finish(_ status: HTTPResponse.Status) {
            metrics.requestFinished(
                method: Self.knownMethods.contains(request.method) ? request.method.rawValue : "other",
                route: Self.route(context), status: status.code,
                seconds: start.seconds
            )
        }
        do {
            let response = try await next(request, context)
            finish(response.status)
            return response
        } catch {
            finish((error as? any HTTPResponseError)?.status ?? .internalServerError)
            throw error
        }
    }

    /// The matched route pattern, or "unmatched" when no route matched.
    static func route(_ context: Context) -> String {
        guard let path = context.endpointPath, path != "NotFound" else { return "unmatched" }
        return path
    }
}
