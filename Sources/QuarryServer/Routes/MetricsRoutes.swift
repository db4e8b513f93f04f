import Hummingbird
import QuarryCore

/// `GET /metrics`: every metric in the Prometheus text format.
struct MetricsRoutes {
    let metrics: QuarryMetrics
    let library: CollectionLibrary

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func register(on groups: RouteGroups) {
        let router = groups.reads
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: Self.contentType],
                body: .init(byteBuffer: ByteBuffer(string: metrics.exposition(library: library)))
            )
        }
    }
}
