import Hummingbird
import QuarryCore

/// `GET /health` (liveness, build, collections) and `GET /ready` (collections loaded).
struct HealthRoutes {
    let library: CollectionLibrary

    struct Health: ResponseEncodable {
        struct Collection: Encodable {
            let name: String
            let kind: CollectionKind
            let vectors: Int
        }
        let status: String
        let version: String
        let faiss: String
        let collections: [Collection]
    }

    struct Readiness: ResponseEncodable {
        let ready: Bool
        let collections: Int
    }

    func register(on groups: RouteGroups) {
        let router = groups.reads
        router.get("health") { _, _ in
            Health(
                status: "ok", version: BuildInfo.version, faiss: BuildInfo.faissBuild,
                collections: (library.allTextCollections.map { .init(name: $0.name, kind: .text, vectors: $0.index.count) }
                    + library.allImageCollections.map { .init(name: $0.name, kind: .image, vectors: $0.index.count) })
                    .sorted { $0.name < $1.name }
            )
        }
        router.get("ready") { _, _ in
            Readiness(ready: true, collections: library.allTextCollections.count + library.allImageCollections.count)
        }
    }
}
