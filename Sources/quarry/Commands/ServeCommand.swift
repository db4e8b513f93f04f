import ArgumentParser
import Embeddings
import Faiss
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import QuarryCluster
import QuarryCore
import QuarryServer
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve every collection found in the data folder over HTTP."
    )

    /// The built-in defaults, shown in the help.
    static let defaults = ServeSettings()

    @Option(help: """
        JSON configuration file whose keys mirror these options, like max_image_mb (or set \(ServeSettings.configFileVariable)). \
        Precedence: defaults < file < QUARRY_* environment variables < flags.
        """)
    var config: String?

    @Flag(help: "Print the effective configuration as JSON (the admin token redacted) and exit.")
    var printConfig = false

    @Option(help: "Address to bind (default: \(defaults.host)).")
    var host: String?

    @Option(help: "Port to listen on (default: \(defaults.port)).")
    var port: Int?

    @Option(help: "Data folder with one sub-folder per collection (default: \(defaults.data)).")
    var data: String?

    @Option(help: "Folder of the model files fetched by scripts/setup.sh (default: \(defaults.models)).")
    var models: String?

    @Option(help: "File holding the admin bearer token for write endpoints (or set \(ServeSettings.adminTokenVariable)).")
    var adminTokenFile: String?

    @Option(help: "Collection answering the tutorial-compatible POST /text-search (default: the first text collection).")
    var defaultCollection: String?

    @Option(help: "Largest accepted image upload, in megabytes (default: \(defaults.maxImageMB)).")
    var maxImageMB: Int?

    @Option(help: "Most pixels (width × height) of an accepted image, in megapixels (default: \(defaults.maxImageMegapixels)).")
    var maxImageMegapixels: Int?

    @Option(help: "Largest ratio of an image's longer side to its shorter side (default: \(defaults.maxImageAspectRatio)).")
    var maxImageAspectRatio: Int?

    @Option(help: "Longest accepted search query, in UTF-8 bytes (default: \(defaults.maxQueryBytes)).")
    var maxQueryBytes: Int?

    @Option(help: "Longest accepted search query, in model tokens (default: \(defaults.maxQueryTokens)).")
    var maxQueryTokens: Int?

    @Option(name: .customLong("max-header-kb"), help: "Largest request header, and largest multipart part header, in KiB (default: \(defaults.maxHeaderKB)).")
    var maxHeaderKB: Int?

    @Option(help: "Most parts in one multipart upload (default: \(defaults.maxMultipartParts)).")
    var maxMultipartParts: Int?

    @Option(help: "Seconds from a request's first byte until its header must be complete (default: \(defaults.headerTimeout)).")
    var headerTimeout: Double?

    @Option(help: "Seconds from a request's header until its body must be complete (default: \(defaults.bodyTimeout)).")
    var bodyTimeout: Double?

    @Option(help: "Seconds an idle connection stays open (default: \(defaults.idleTimeout)).")
    var idleTimeout: Double?

    @Flag(help: "With no admin token, let anyone on this machine call the write routes (loopback only; for local experiments).")
    var insecureOpenWrites = false

    @Option(help: "Least severe level logged: trace, debug, info, notice, warning, error or critical (default: \(defaults.logLevel.rawValue)).")
    var logLevel: String?

    @Option(help: "Log lines as json (one object per line) or text (default: \(defaults.logFormat.rawValue)).")
    var logFormat: String?

    @Option(help: "Seconds between checkpoints of changed indexes (default: \(defaults.checkpointInterval)).")
    var checkpointInterval: Double?

    @Option(help: "Seconds between checks for IVF indexes to retrain, 0 turning retraining off (default: \(defaults.driftCheckInterval)).")
    var driftCheckInterval: Double?

    @Option(help: "Growth since training (0.5 = 50%) after which an IVF index is retrained (default: \(defaults.driftGrowth)).")
    var driftGrowth: Double?

    @Option(help: "Hours between scheduled backups of each collection into <data>/.backups, 0 turning them off (default: \(defaults.backupIntervalHours)).")
    var backupIntervalHours: Double?

    @Option(help: "Scheduled backups kept per collection (default: \(defaults.keepBackups)).")
    var keepBackups: Int?

    @Option(name: .customLong("latency-objective-ms"), help: """
        The p95 search latency to keep: searches run degraded, then are refused with 503, only when \
        the measured queueing delay would break it (default: \(defaults.latencyObjectiveMilliseconds)).
        """)
    var latencyObjectiveMilliseconds: Double?

    @Option(help: "Searches in flight above which searches are refused with 503 whatever their delay, a memory bound (default: 256 per core).")
    var hardLimit: Int?

    @Option(help: "Search answers kept in the cache, 0 turning it off (default: \(defaults.cacheSize)).")
    var cacheSize: Int?

    @Option(help: "Seconds a cached search answer stays valid (default: \(defaults.cacheTTL)).")
    var cacheTTL: Double?

    @Option(help: "Comma-separated browser origins allowed to call the API cross-origin, like https://search.example.com (default: none, CORS off).")
    var corsOrigins: String?

    @Option(help: """
        Cluster mode: the PostgreSQL holding every write, like postgresql://quarry@db1,db2/quarry?target_session_attrs=read-write \
        (several hosts: the one taking writes is used). Without it the data folder is served alone.
        """)
    var clusterURL: String?

    @Option(help: "Cluster mode: this node's name, unique in the cluster (default: the host name).")
    var nodeName: String?

    func run() async throws {
        let settings = try ServeSettings.resolve(
            configFile: config, environment: ProcessInfo.processInfo.environment, flags: try flagOverrides()
        )
        let configuration = settings.serverConfiguration
        try configuration.validate()
        if printConfig {
            print(settings.printedJSON)
            return
        }
        // Parallelise across requests, not inside FAISS or BLAS calls.
        FaissRuntime.threadCount = 1
        BLASThreads.set(1)
        bootstrapLogging(level: settings.logLevel, format: settings.logFormat)
        let logger = Logger(label: "quarry")
        logger.info("starting", metadata: ["build": "\(BuildInfo.summary)", "host": "\(settings.host)", "port": "\(settings.port)"])
        let library = try CollectionLibrary(
            dataDirectory: configuration.dataDirectory, modelsDirectory: configuration.modelsDirectory,
            imageDecoder: configuration.limits.imageDecoder, logger: logger
        )
        let maintenance = BackgroundMaintenance(
            library: library, checkpointInterval: settings.checkpointInterval,
            driftCheckInterval: settings.driftCheckInterval > 0 ? settings.driftCheckInterval : nil,
            driftPolicy: DriftPolicy(maximumGrowth: settings.driftGrowth),
            backupInterval: settings.backupIntervalHours > 0 ? settings.backupIntervalHours * 3_600 : nil,
            keptBackups: settings.keepBackups, logger: logger
        )
        var services: [any Service] = [maintenance]
        var cluster: ClusterNode?
        if let clusterURL = settings.clusterURL {
            let node = try await ClusterNode.join(
                url: try ClusterURL(clusterURL), name: settings.nodeName ?? ProcessInfo.processInfo.hostName, library: library, logger: logger
            )
            services.append(node)
            cluster = node
        }
        // Anything reporting through swift-metrics lands in the registry that GET /metrics exposes.
        let metrics = QuarryMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        for collection in library.allCollections where collection.recovery.fellBack {
            metrics.recordIndexFallback()
        }
        // Returns on SIGTERM or SIGINT once the requests in flight are answered and the maintenance
        // under way (a checkpoint, a backup) is done: exiting beneath a backup crashed the process.
        try await QuarryApplication.make(
            library: library, configuration: configuration, metrics: metrics, replication: cluster, services: services, logger: logger
        ).runService()
        try library.checkpointAll()
        logger.info("stopped", metadata: ["checkpointed": "\(library.allCollections.count) collections"])
    }

    /// The settings given as flags, the layer overriding the configuration file and the environment.
    func flagOverrides() throws(ServeSettingsError) -> ServeSettings.Overrides {
        var flags = ServeSettings.Overrides()
        flags.host = host
        flags.port = port
        flags.data = data
        flags.models = models
        flags.defaultCollection = defaultCollection
        flags.adminTokenFile = adminTokenFile
        flags.maxImageMB = maxImageMB
        flags.maxImageMegapixels = maxImageMegapixels
        flags.maxImageAspectRatio = maxImageAspectRatio
        flags.maxQueryBytes = maxQueryBytes
        flags.maxQueryTokens = maxQueryTokens
        flags.maxHeaderKB = maxHeaderKB
        flags.maxMultipartParts = maxMultipartParts
        flags.headerTimeout = headerTimeout
        flags.bodyTimeout = bodyTimeout
        flags.idleTimeout = idleTimeout
        flags.insecureOpenWrites = insecureOpenWrites ? true : nil
        flags.checkpointInterval = checkpointInterval
        flags.driftCheckInterval = driftCheckInterval
        flags.driftGrowth = driftGrowth
        flags.backupIntervalHours = backupIntervalHours
        flags.keepBackups = keepBackups
        flags.latencyObjectiveMilliseconds = latencyObjectiveMilliseconds
        flags.hardLimit = hardLimit
        flags.cacheSize = cacheSize
        flags.cacheTTL = cacheTTL
        flags.clusterURL = clusterURL
        flags.nodeName = nodeName
        for (key, text) in [(ServeSettings.Key.logLevel, logLevel), (.logFormat, logFormat), (.corsOrigins, corsOrigins)] {
            if let text { try flags.set(key, text: text, source: key.flag) }
        }
        return flags
    }

    func bootstrapLogging(level: Logger.Level, format: ServeSettings.LogFormat) {
        switch format {
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
}
