import HTTPTypes
import Hummingbird
import Synchronization

/// Counts the searches in flight: above the soft limit a search runs degraded
/// (``SearchLoad/isDegraded`` is true while it is handled), above the hard
/// limit it is answered at once with 503 and `Retry-After`. It guards the routes of
/// ``RouteGroups/searches``, matched by the router, whatever the path's spelling.
struct LoadSheddingMiddleware<Context: RequestContext>: RouterMiddleware {
    let limits: LoadLimits
    let load: SearchLoad

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let inFlight = load.begin()
        defer { load.end() }
        if inFlight > limits.hardLimit {
            var error = APIError(
                .serviceUnavailable, code: "overloaded",
                message: "the server is busy (\(inFlight - 1) searches in flight); retry in \(limits.retryAfterSeconds) s"
            )
            error.headers[.retryAfter] = "\(limits.retryAfterSeconds)"
            throw error
        }
        guard inFlight > limits.softLimit else { return try await next(request, context) }
        return try await SearchLoad.$isDegraded.withValue(true) { try await next(request, context) }
    }
}

/// The searches in flight, and whether the current one runs degraded.
final class SearchLoad: Sendable {
    @TaskLocal static var isDegraded = false

    private let inFlight = Atomic(0)

    /// Counts a search in; returns how many are in flight with it.
    func begin() -> Int { inFlight.add(1, ordering: .relaxed).newValue }

    func end() { inFlight.subtract(1, ordering: .relaxed) }

    var current: Int { inFlight.load(ordering: .relaxed) }
}
