import Hummingbird

/// Guards write endpoints with a bearer token. With no token configured,
/// writes are open: the server only allows that when bound to loopback.
struct AdminAuthorization: Sendable {
    let token: String?

    func check(_ request: Request) throws(APIError) {
        guard let token else { return }
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), Self.constantTimeEquals(String(header.dropFirst(7)), token) else {
            var error = APIError(.unauthorized, code: "unauthorized", message: "this endpoint needs the admin bearer token")
            error.headers[.wwwAuthenticate] = "Bearer"
            throw error
        }
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
