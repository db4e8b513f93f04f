import Hummingbird

/// The router's three kinds of route, each a group carrying the middleware its routes share,
/// so no handler checks a token or counts its load by hand.
struct RouteGroups {
    /// Reads: health, metrics, collection details, items, files, the web UI.
    let reads: RouterGroup<QuarryRequestContext>
    /// Searches, under ``LoadSheddingMiddleware``: degraded or refused when the server is overloaded.
    let searches: RouterGroup<QuarryRequestContext>
    /// Admin writes, under ``AdminAuthorizationMiddleware``.
    let writes: RouterGroup<QuarryRequestContext>

    init(router: Router<QuarryRequestContext>, load: LoadLimits, executor: SearchExecutor, writeAccess: WriteAccess) {
        reads = router.group()
        searches = router.group().add(middleware: LoadSheddingMiddleware(limits: load, executor: executor))
        writes = router.group().add(middleware: AdminAuthorizationMiddleware(access: writeAccess))
    }
}
