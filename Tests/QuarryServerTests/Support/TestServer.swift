import Foundation
import Hummingbird
import Logging
import QuarryCore
import QuarryServer

/// A data folder with one small text collection, served by Quarry's router.
struct TestServer {
    let dataDirectory: URL
    let library: CollectionLibrary
    let configuration: ServerConfiguration

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let adminToken = "test-admin-token-0123456789"

    /// Load limits that shed nothing unless a test asks: suites run in parallel on 2 cores, and a
    /// starved search thread must not turn an answer into a 503.
    static let patientLoadLimits = LoadLimits(latencyObjective: 60)

    init(
        limits: RequestLimits = .init(), load: LoadLimits = Self.patientLoadLimits, cache: ServerConfiguration.CacheSettings = .init(),
        adminToken: String? = Self.adminToken, insecureOpenWrites: Bool = false, timeouts: ConnectionTimeouts = .init(),
        dataDirectory: URL? = nil
    ) throws {
        self.dataDirectory =
            dataDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("quarry-server-\(UUID().uuidString)")
        let logger = Logger(label: "test")
        library = try CollectionLibrary(
            dataDirectory: self.dataDirectory, modelsDirectory: Self.repositoryRoot.appendingPathComponent("models"),
            imageDecoder: limits.imageDecoder, logger: logger
        )
        let course = try library.textCollection(creating: "course", model: "e5-small")
        try course.add(
            TextDocument(
                source: "indexes.md", contentHash: "1",
                passages: [
                    .init(text: "IVF 索引查询时只搜索 nprobe 个最近的簇。", chapter: "索引 > IVF", page: 2, span: 10..<34, metadata: ["level": .string("basic")]),
                    .init(text: "HNSW 的 efSearch 控制查询时的候选列表大小。", chapter: "索引 > HNSW", span: 40..<66),
                ]))
        try course.add(
            TextDocument(
                source: "pq.md", contentHash: "2",
                passages: [
                    .init(text: "Product quantization compresses vectors into short codes.", chapter: "Compression")
                ]))
        configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, dataDirectory: self.dataDirectory, limits: limits, adminToken: adminToken, load: load,
            cache: cache, insecureOpenWrites: insecureOpenWrites, timeouts: timeouts
        )
    }

    var application: some ApplicationProtocol {
        Application(router: QuarryApplication.router(library: library, configuration: configuration))
    }

    /// The application as `quarry serve` runs it, bound to a free loopback port, for tests over real connections.
    var liveApplication: some ApplicationProtocol {
        QuarryApplication.make(library: library, configuration: configuration, metrics: QuarryMetrics(), logger: Logger(label: "test"))
    }

    func remove() {
        try? FileManager.default.removeItem(at: dataDirectory)
    }
}
