import Hummingbird
import Logging
import QuarryCore
import ServiceLifecycle

/// Builds Quarry's HTTP application.
public enum QuarryApplication {
    /// The router with every Quarry route, serving `library` and recording into `metrics`
    /// (exposed at `GET /metrics`). Each request is logged with an id, answered in `X-Request-Id`.
    /// In cluster mode `replication` commits the writes and reports this node's progress.
    public static func router(
        library: CollectionLibrary, configuration: ServerConfiguration, metrics: QuarryMetrics = QuarryMetrics(),
        replication: (any ChangeReplication)? = nil
    ) -> Router<QuarryRequestContext> {
        // HEAD answers like GET without the body, for every GET route.
        let router = Router(context: QuarryRequestContext.self, options: .autoGenerateHeadEndpoints)
        // Outermost first: the request log sees every error already shaped as JSON by the inner middlewares.
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        if !configuration.corsOrigins.isEmpty { router.add(middleware: AllowedOriginsMiddleware(origins: configuration.corsOrigins)) }
        router.add(middleware: JSONErrorMiddleware())
        if let replication { router.add(middleware: ReplicationMiddleware(replication: replication)) }
        let executor = SearchExecutor(searchDeadline: configuration.load.latencyObjective, metrics: metrics)
        let groups = RouteGroups(router: router, load: configuration.load, executor: executor, writeAccess: configuration.writeAccess)
        let limits = configuration.limits
        let cache = SearchCache(capacity: configuration.cache.capacity, timeToLive: configuration.cache.timeToLive)
        let writes = WriteCoordinator(library: library, replication: replication)
        HealthRoutes(library: library, replication: replication).register(on: groups)
        MetricsRoutes(metrics: metrics, library: library).register(on: groups)
        CollectionRoutes(
            library: library, limits: limits, metrics: metrics, cache: cache, executor: executor, writes: writes,
            shards: replication.map { ShardedSearch(replication: $0) }
        ).register(on: groups)
        ImageRoutes(library: library, limits: limits, executor: executor, metrics: metrics, writes: writes).register(on: groups)
        MaintenanceRoutes(library: library, limits: limits, executor: executor, writes: writes).register(on: groups)
        CollectionManagementRoutes(library: library, limits: limits, cache: cache, executor: executor, writes: writes).register(on: groups)
        WebRoutes().register(on: groups)
        DocsRoutes().register(on: groups)
        SeedCompatibilityRoutes(
            library: library, limits: limits, defaultCollection: configuration.defaultTextCollection, metrics: metrics, executor: executor
        ).register(on: groups)
        return router
    }

    /// A ready-to-run application bound as `configuration` says, running `services` (background
    /// work) beside the HTTP server: a graceful shutdown stops them all, and
    /// `runService()` returns once every one has returned.
    public static func make(
        library: CollectionLibrary, configuration: ServerConfiguration, metrics: QuarryMetrics,
        replication: (any ChangeReplication)? = nil, services: [any Service] = [], logger: Logger
    ) -> some ApplicationProtocol {
        Application(
            router: router(library: library, configuration: configuration, metrics: metrics, replication: replication),
            server: .quarryHTTP1(timeouts: configuration.timeouts, maxHeaderBytes: configuration.limits.maxHeaderBytes),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "quarry"),
            services: services,
            logger: logger
        )
    }
}
