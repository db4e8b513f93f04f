import ArgumentParser
import Embeddings
import Faiss
import Foundation
import Hummingbird
import Logging
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

    func run() async throws {
        // Parallelise across requests, not inside FAISS or BLAS calls.
        FaissRuntime.threadCount = 1
        BLASThreads.set(1)
        var logger = Logger(label: "quarry")
        logger.logLevel = .info
        logger.info("starting", metadata: ["build": "\(BuildInfo.summary)", "host": "\(host)", "port": "\(port)"])
        guard maxImageMB >= 1, maxImageMegapixels >= 1 else {
            throw ValidationError("--max-image-mb and --max-image-megapixels must be at least 1")
        }
        var limits = RequestLimits()
        limits.maxImageBytes = maxImageMB << 20
        limits.maxImagePixels = maxImageMegapixels * 1_000_000
        let configuration = ServerConfiguration(
            host: host, port: port, dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory,
            defaultTextCollection: defaultCollection, limits: limits, adminToken: try adminToken()
        )
        try configuration.validate()
        let library = try CollectionLibrary(
            dataDirectory: configuration.dataDirectory, modelsDirectory: configuration.modelsDirectory,
            imageDecoder: limits.imageDecoder, logger: logger
        )
        try await QuarryApplication.make(library: library, configuration: configuration, logger: logger).runService()
    }

    func adminToken() throws -> String? {
        if let adminTokenFile {
            return try String(contentsOfFile: adminTokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return ProcessInfo.processInfo.environment["QUARRY_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
