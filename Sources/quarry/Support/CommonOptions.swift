import ArgumentParser
import Foundation
import Logging
import QuarryCore

/// Options shared by the commands that work on a data folder.
struct DataOptions: ParsableArguments {
    @Option(help: "Data folder with one sub-folder per collection.")
    var data = "data"

    @Option(help: "Folder of the model files fetched by scripts/setup.sh.")
    var models = "models"

    var dataDirectory: URL { URL(fileURLWithPath: data) }
    var modelsDirectory: URL { URL(fileURLWithPath: models) }
}

/// The cluster a command commits to: its `--cluster-url`, else `QUARRY_CLUSTER_URL`; nil for a data folder.
func clusterURL(flag: String?) throws -> ClusterURL? {
    try (flag ?? ProcessInfo.processInfo.environment["QUARRY_CLUSTER_URL"].flatMap { $0.isEmpty ? nil : $0 }).map { try ClusterURL($0) }
}

/// A logger for command-line tools: warnings and errors on standard error.
func commandLogger() -> Logger {
    var logger = Logger(label: "quarry") { label in StreamLogHandler.standardError(label: label) }
    logger.logLevel = .warning
    return logger
}
