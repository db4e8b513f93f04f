import HTTPTypes
import Hummingbird
import Synchronization

/// Sheds load by time: a search runs as asked while the latency predicted for it (the measured
/// wait for a search thread plus the measured search time, see
/// ``SearchExecutor/predictedLatency(degraded:)``) stays under ``LoadLimits/degradeAbove``; it
/// runs degraded (``QuarryRequestContext/isDegraded``) while a degraded search would stay under
/// ``LoadLimits/refuseAbove``; past that, or past ``LoadLimits/hardLimit`` searches in flight,
/// it is answered at once with 503 and `Retry-After`. It guards the routes of
/// ``RouteGroups/searches``, matched by the router, whatever the path's spelling.
struct LoadSheddingMiddleware: RouterMiddleware {
    typealias Context = QuarryRequestContext

    let limits: LoadLimits
    let executor: SearchExecutor
    let load = SearchLoad()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let inFlight = load.begin()
        defer { load.end() }
        if inFlight > limits.hardLimit {
            throw overloaded("\(inFlight - 1) searches are in flight")
        }
        do {
            if executor.predictedLatency(degraded: false) <= limits.degradeAbove {
                return try await next(request, context)
            }
            let predicted = executor.predictedLatency(degraded: true)
            guard predicted <= limits.refuseAbove else {
                throw overloaded("a search would take about \(Int(predicted * 1_000)) ms")
            }
            var degraded = context
            degraded.isDegraded = true
            return try await next(request, degraded)
        } catch let error as SearchExecutor.Overloaded {
            throw overloaded("the search waited \(Int(error.waitedSeconds * 1_000)) ms for a thread")
        }
    }

    private func overloaded(_ reason: String) -> APIError {
        var error = APIError(
            .serviceUnavailable, code: "overloaded",
            message: "the server is busy (\(reason)); retry in \(limits.retryAfterSeconds) s"
        )
        error.headers[.retryAfter] = "\(limits.retryAfterSeconds)"
        return error
    }
}

/// The searches in flight.
final class SearchLoad: Sendable {
    private let inFlight = Atomic(0)

    /// Counts a search in; returns how many are in flight with it.
    func begin() -> Int { inFlight.add(1, ordering: .relaxed).newValue }

    func end() { inFlight.subtract(1, ordering: .relaxed) }
}
