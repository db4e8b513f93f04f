import Hummingbird

/// The API's description: `GET /openapi.json` (OpenAPI 3.1, one entry per
/// registered route; `OpenAPITests` keeps the two in step) and `GET /docs`,
/// a page that renders it for people with `/ui/docs.js`. All compiled into the binary.
struct DocsRoutes {
    func register(on groups: RouteGroups) {
        let router = groups.reads
        router.get("openapi.json") { _, _ in
            WebRoutes.response(PackageResources.openapi_json, contentType: "application/json; charset=utf-8")
        }
        router.get("docs") { _, _ in WebRoutes.response(PackageResources.docs_html, contentType: "text/html; charset=utf-8") }
        router.get("ui/docs.js") { _, _ in WebRoutes.response(PackageResources.docs_js, contentType: "text/javascript; charset=utf-8") }
    }
}
