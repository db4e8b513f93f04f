import Hummingbird
import Logging
import QuarryCore

/// Builds Quarry's HTTP application.
public enum QuarryApplication {
    /// The router with every Quarry route, serving `library` and recording into `metrics`
    /// (exposed at `GET /metrics`). Each request is logged with an id, answered in `X-Request-Id`.
    public static func router(
        library: CollectionLibrary, configuration: ServerConfiguration, metrics: QuarryMetrics = QuarryMetrics()
    ) -> Router<BasicRequestContext> {
        let router = Router()
        // Outermost first: the request log sees every error already shaped as JSON by the inner middlewares.
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        if !configuration.corsOrigins.isEmpty { router.add(middleware: AllowedOriginsMiddleware(origins: configuration.corsOrigins)) }
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: LoadSheddingMiddleware(limits: configuration.load, load: SearchLoad()))
        HealthRoutes(library: library).register(on: router)
        MetricsRoutes(metrics: metrics, library: library).register(on: router)
        let authorization = AdminAuthorization(token: configuration.adminToken)
        let cache = SearchCache(capacity: configuration.cache.capacity, timeToLive: configuration.cache.timeToLive)
        let executor = SearchExecutor()
        CollectionRoutes(
            library: library, limits: configuration.limits, authorization: authorization, metrics: metrics, cache: cache, executor: executor
        )
            .register(on: router)
        ImageRoutes(library: library, limits: configuration.limits, authorization: authorization, executor: executor, metrics: metrics)
            .register(on: router)
        MaintenanceRoutes(library: library, limits: configuration.limits, authorization: authorization).register(on: router)
        WebRoutes().register(on: router)
        DocsRoutes().register(on: router)
        SeedCompatibilityRoutes(
            library: library, limits: configuration.limits, defaultCollection: configuration.defaultTextCollection
        ).register(on: router)
        return router
    }

    /// A ready-to-run application bound as `configuration` says.
    public static func make(
        library: CollectionLibrary, configuration: ServerConfiguration, metrics: QuarryMetrics, logger: Logger
    ) -> some ApplicationProtocol {
        Application(
            router: router(library: library, configuration: configuration, metrics: metrics),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "quarry"),
            logger: logger
        )
    }
}
