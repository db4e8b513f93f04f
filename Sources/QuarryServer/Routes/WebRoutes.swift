import Hummingbird

/// The web UI: `GET /` and its script and style sheet, compiled into the binary
/// (plain HTML, CSS and JavaScript; no external resources, works offline).
struct WebRoutes {
    func register(on groups: RouteGroups) {
        let router = groups.reads
        router.get("/") { _, _ in Self.response(PackageResources.index_html, contentType: "text/html; charset=utf-8") }
        router.get("ui/app.js") { _, _ in Self.response(PackageResources.app_js, contentType: "text/javascript; charset=utf-8") }
        router.get("ui/style.css") { _, _ in Self.response(PackageResources.style_css, contentType: "text/css; charset=utf-8") }
    }

    static func response(_ bytes: [UInt8], contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: contentType,
                .cacheControl: "no-cache",
                .init("Content-Security-Policy")!: "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'",
                .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
