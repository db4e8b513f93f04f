import Hummingbird
import QuarryCore

/// `GET /health`: liveness and build information.
struct HealthRoutes {
    struct Health: ResponseEncodable {
        let status: String
        let version: String
        let faiss: String
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("health") { _, _ in
            Health(status: "ok", version: BuildInfo.version, faiss: BuildInfo.faissBuild)
        }
    }
}
