import Hummingbird
import Logging
import QuarryCore

/// Builds Quarry's HTTP application.
public enum QuarryApplication {
    /// The router with every Quarry route, serving `library`.
    public static func router(library: CollectionLibrary, configuration: ServerConfiguration) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        HealthRoutes(library: library).register(on: router)
        let authorization = AdminAuthorization(token: configuration.adminToken)
        CollectionRoutes(library: library, limits: configuration.limits, authorization: authorization).register(on: router)
        ImageRoutes(library: library, limits: configuration.limits, authorization: authorization).register(on: router)
        WebRoutes().register(on: router)
        SeedCompatibilityRoutes(
            library: library, limits: configuration.limits, defaultCollection: configuration.defaultTextCollection
        ).register(on: router)
        return router
    }

    /// A ready-to-run application bound as `configuration` says.
    public static func make(library: CollectionLibrary, configuration: ServerConfiguration, logger: Logger) -> some ApplicationProtocol {
        Application(
            router: router(library: library, configuration: configuration),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "quarry"),
            logger: logger
        )
    }
}
