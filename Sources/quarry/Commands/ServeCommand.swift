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
        abstract: "Serve every collection found in the data folder over HTTP.",
        discussion: ServeSettings.helpText
    )

    @Option(
        help: """
            JSON configuration file whose keys are the settings' keys, like max_image_mb (or set \(ServeSettings.configFileVariable)). \
            Precedence: defaults < file < QUARRY_* environment variables < flags.
            """)
    var config: String?

    @Flag(help: "Print the effective configuration as JSON (the admin token redacted) and exit.")
    var printConfig = false

    @Flag(help: "Print every setting as the README's Markdown table and exit.")
    var printSettingsTable = false

    @Argument(parsing: .allUnrecognized, help: "Settings as flags, like --port 9000 or --port=9000 (listed below).")
    var settingFlags: [String] = []

    func run() async throws {
        if printSettingsTable {
            print(ServeSettings.markdownTable)
            return
        }
        let settings = try ServeSettings.resolve(
            configFile: config, environment: ProcessInfo.processInfo.environment, flags: try ServeSettings.Overrides(arguments: settingFlags)
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
            let everyAddress = ["0.0.0.0", "::", ""].contains(settings.host)
            let node = try await ClusterNode.join(
                url: try ClusterURL(clusterURL), name: settings.nodeName ?? ProcessInfo.processInfo.hostName,
                advertisedURL: settings.advertiseURL ?? "http://\(everyAddress ? ProcessInfo.processInfo.hostName : settings.host):\(settings.port)",
                library: library, logger: logger
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
