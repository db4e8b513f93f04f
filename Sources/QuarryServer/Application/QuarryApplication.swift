import Hummingbird
import Logging

/// Builds Quarry's HTTP application.
public enum QuarryApplication {
    /// The router with every Quarry route.
    public static func router() -> Router<BasicRequestContext> {
        let router = Router()
        HealthRoutes().register(on: router)
        return router
    }

    /// A ready-to-run application bound as `configuration` says.
    public static func make(configuration: ServerConfiguration, logger: Logger) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "quarry"),
            logger: logger
        )
    }
}
