import Hummingbird
import QuarryCore

/// `GET /health` (liveness, build, collections) and `GET /ready` (collections loaded).
/// A collection that could not be opened is listed as `unavailable` with the reason, and
/// makes the status `degraded`: the server still serves the others.
struct HealthRoutes {
    let library: CollectionLibrary
    let replication: (any ChangeReplication)?

    struct Health: ResponseEncodable {
        struct Collection: Encodable {
            let name: String
            let kind: CollectionKind?
            let status: String
            let vectors: Int?
            var reason: String?
        }
        let status: String
        let version: String
        let faiss: String
        let collections: [Collection]
        /// Cluster mode: this node's place in the change log and whether the database takes writes.
        var cluster: ReplicationStatus?
    }

    struct Readiness: ResponseEncodable {
        let ready: Bool
        let collections: Int
    }

    func register(on groups: RouteGroups) {
        let router = groups.reads
        router.get("health") { _, _ in
            let open: [Health.Collection] = library.allCollections.map {
                .init(name: $0.name, kind: $0.configuration.kind, status: "ok", vectors: $0.vectorCount)
            }
            let unavailable: [Health.Collection] = library.unavailableCollections.map {
                .init(name: $0.name, kind: nil, status: "unavailable", vectors: nil, reason: $0.reason)
            }
            let cluster = replication?.status()
            let healthy = unavailable.isEmpty && cluster?.databaseReachable != false
            return Health(
                status: healthy ? "ok" : "degraded", version: BuildInfo.version, faiss: BuildInfo.faissBuild,
                collections: (open + unavailable).sorted { $0.name < $1.name }, cluster: cluster
            )
        }
        router.get("ready") { _, _ in
            Readiness(ready: true, collections: library.allTextCollections.count + library.allImageCollections.count)
        }
    }
}
