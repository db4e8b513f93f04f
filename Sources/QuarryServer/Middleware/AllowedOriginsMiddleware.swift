import HTTPTypes
import Hummingbird

/// Cross-origin access for a fixed list of browser origins, through Hummingbird's `CORSMiddleware`.
///
/// A request whose `Origin` is listed gets the CORS headers (a preflight `OPTIONS` is answered
/// with 204 and the allowed methods GET, POST, DELETE, OPTIONS, the allowed headers Content-Type,
/// Authorization, X-Request-Id, and X-Request-Id exposed). Any other request passes through
/// untouched, so a browser on an unlisted origin is refused by its own CORS check.
struct AllowedOriginsMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>
    let cors = CORSMiddleware<Context>(
        allowOrigin: .originBased,
        allowHeaders: [.contentType, .authorization, RequestLogMiddleware<Context>.header],
        allowMethods: [.get, .post, .delete, .options],
        exposedHeaders: [RequestLogMiddleware<Context>.header.canonicalName],
        maxAge: .seconds(600)
    )

    init(origins: [String]) {
        self.origins = Set(origins)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) else { return try await next(request, context) }
        return try await cors.handle(request, context: context, next: next)
    }
}
