import ArgumentParser
import Embeddings
import Faiss
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import QuarryCore
import QuarryServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve every collection found in the data folder over HTTP."
    )

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @OptionGroup var options: DataOptions

    @Option(help: "File holding the admin bearer token for write endpoints (or set QUARRY_ADMIN_TOKEN).")
    var adminTokenFile: String?

    @Option(help: "Collection answering the tutorial-compatible POST /text-search (default: the first text collection).")
    var defaultCollection: String?

    @Option(help: "Largest accepted image upload, in megabytes.")
    var maxImageMB = 10

    @Option(help: "Most pixels (width × height) of an accepted image, in megapixels.")
    var maxImageMegapixels = 50

    @Option(help: "Least severe level logged: trace, debug, info, notice, warning, error or critical (default: info).", transform: {
        guard let level = Logger.Level(rawValue: $0) else { throw ValidationError("unknown log level \"\($0)\"") }
        return level
    })
    var logLevel: Logger.Level = .info

    @Option(help: "Log lines as json (one object per line) or text.")
    var logFormat: LogFormat = .json

    @Option(help: "Seconds between checkpoints of changed indexes.")
    var checkpointInterval = 60.0

    @Option(help: "Seconds between checks for IVF indexes to retrain (0 turns retraining off).")
    var driftCheckInterval = 600.0

    @Option(help: "Growth since training (0.5 = 50%) after which an IVF index is retrained.")
    var driftGrowth = 0.5

    @Option(help: "Searches in flight above which searches run degraded (default: 4 per core).")
    var softLimit: Int?

    @Option(help: "Searches in flight above which searches are refused with 503 (default: 16 per core).")
    var hardLimit: Int?

    @Option(help: "Search answers kept in the cache (0 turns it off).")
    var cacheSize = 1_024

    @Option(help: "Seconds a cached search answer stays valid.")
    var cacheTTL = 300.0

    /// How log lines are written.
    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case json, text
    }

    func run() async throws {
        // Parallelise across requests, not inside FAISS or BLAS calls.
        FaissRuntime.threadCount = 1
        BLASThreads.set(1)
        bootstrapLogging()
        let logger = Logger(label: "quarry")
        logger.info("starting", metadata: ["build": "\(BuildInfo.summary)", "host": "\(host)", "port": "\(port)"])
        guard maxImageMB >= 1, maxImageMegapixels >= 1 else {
            throw ValidationError("--max-image-mb and --max-image-megapixels must be at least 1")
        }
        var limits = RequestLimits()
        limits.maxImageBytes = maxImageMB << 20
        limits.maxImagePixels = maxImageMegapixels * 1_000_000
        guard checkpointInterval > 0, driftCheckInterval >= 0, cacheSize >= 0, cacheTTL > 0 else {
            throw ValidationError("intervals and the cache TTL must be positive, the cache size not negative")
        }
        var load = LoadLimits()
        if let softLimit { load.softLimit = softLimit }
        if let hardLimit { load.hardLimit = hardLimit }
        guard load.softLimit >= 1, load.hardLimit >= load.softLimit else {
            throw ValidationError("need 1 ≤ --soft-limit ≤ --hard-limit")
        }
        let configuration = ServerConfiguration(
            host: host, port: port, dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory,
            defaultTextCollection: defaultCollection, limits: limits, adminToken: try adminToken(), load: load,
            cache: .init(capacity: cacheSize, timeToLive: cacheTTL)
        )
        try configuration.validate()
        let library = try CollectionLibrary(
            dataDirectory: configuration.dataDirectory, modelsDirectory: configuration.modelsDirectory,
            imageDecoder: limits.imageDecoder, logger: logger
        )
        let maintenance = BackgroundMaintenance(
            library: library, checkpointInterval: checkpointInterval,
            driftCheckInterval: driftCheckInterval > 0 ? driftCheckInterval : nil,
            driftPolicy: DriftPolicy(maximumGrowth: driftGrowth), logger: logger
        )
        let background = Task { await maintenance.run() }
        // Anything reporting through swift-metrics lands in the registry that GET /metrics exposes.
        let metrics = QuarryMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        // Returns on SIGTERM or SIGINT once the requests in flight are answered.
        try await QuarryApplication.make(library: library, configuration: configuration, metrics: metrics, logger: logger).runService()
        background.cancel()
        try library.checkpointAll()
        logger.info("stopped", metadata: ["checkpointed": "\(library.allCollections.count) collections"])
    }

    func bootstrapLogging() {
        let level = logLevel
        switch logFormat {
        case .json:
            LoggingSystem.bootstrap { JSONLogHandler(label: $0, logLevel: level) }
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardOutput(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }

    func adminToken() throws -> String? {
        if let adminTokenFile {
            return try String(contentsOfFile: adminTokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return ProcessInfo.processInfo.environment["QUARRY_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
