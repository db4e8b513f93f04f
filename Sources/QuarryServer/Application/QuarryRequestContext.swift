import Hummingbird

/// The context of every Quarry request: Hummingbird's (router parameters, the logger carrying
/// `request_id`) and what the middleware decided about it.
public struct QuarryRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``LoadSheddingMiddleware`` when the server is loaded: the search runs with cheaper
    /// parameters and its answer says `"degraded": true`.
    public var isDegraded = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
