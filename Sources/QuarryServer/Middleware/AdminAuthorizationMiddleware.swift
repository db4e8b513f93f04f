import Foundation
import Hummingbird
import QuarryCore

/// Guards the admin write routes with a bearer token.
///
/// Writes are closed by default: with no token configured every write answers 401, on
/// loopback too, unless the server was started with `--insecure-open-writes`. Tokens are
/// compared in constant time (over their SHA-256 digests, so the length leaks nothing either).
struct AdminAuthorizationMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: WriteAccess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try check(request)
        return try await next(request, context)
    }

    func check(_ request: Request) throws(APIError) {
        switch access {
        case .open:
            return
        case .closed:
            throw Self.unauthorized(
                "writes are disabled: no admin token is configured (set \(ServeSettings.adminTokenVariable) or --admin-token-file)"
            )
        case .token(let token):
            let header = request.headers[.authorization] ?? ""
            guard header.hasPrefix("Bearer "), Self.constantTimeEquals(String(header.dropFirst(7)), token) else {
                throw Self.unauthorized("this endpoint needs the admin bearer token")
            }
        }
    }

    static func unauthorized(_ message: String) -> APIError {
        var error = APIError(.unauthorized, code: "unauthorized", message: message)
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }

    /// Whether `a` equals `b`, in a time that depends on neither.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let difference = zip(ContentHash.sha256(a).utf8, ContentHash.sha256(b).utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) }
        return difference == 0
    }
}

/// Who may call the admin write routes.
public enum WriteAccess: Sendable, Equatable {
    /// Whoever sends `Authorization: Bearer <token>`.
    case token(String)
    /// Nobody: no token is configured.
    case closed
    /// Anybody (`--insecure-open-writes`); refused on addresses other than loopback.
    case open
}
