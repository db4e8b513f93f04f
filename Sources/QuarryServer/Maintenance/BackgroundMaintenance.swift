import Foundation
import Logging
import QuarryCore

/// Work a running server does on its own: writing changed indexes to disk
/// every `checkpointInterval` seconds, and retraining IVF indexes that drifted
/// (checked every `driftCheckInterval` seconds; nil turns it off).
public struct BackgroundMaintenance: Sendable {
    public let library: CollectionLibrary
    public var checkpointInterval: Double
    public var driftCheckInterval: Double?
    public var driftPolicy: DriftPolicy
    let logger: Logger

    public init(
        library: CollectionLibrary, checkpointInterval: Double = 60, driftCheckInterval: Double? = 600,
        driftPolicy: DriftPolicy = .init(), logger: Logger
    ) {
        self.library = library
        self.checkpointInterval = checkpointInterval
        self.driftCheckInterval = driftCheckInterval
        self.driftPolicy = driftPolicy
        self.logger = logger
    }

    /// Runs until the task is cancelled.
    public func run() async {
        var sinceDriftCheck = 0.0
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(checkpointInterval))
            } catch {
                return
            }
            checkpointChanged()
            sinceDriftCheck += checkpointInterval
            if let driftCheckInterval, sinceDriftCheck >= driftCheckInterval {
                sinceDriftCheck = 0
                retrainDrifted()
            }
        }
    }

    /// Writes every index that changed since its last checkpoint.
    public func checkpointChanged() {
        do {
            let written = try library.checkpointChanged()
            if !written.isEmpty { logger.info("checkpointed", metadata: ["collections": "\(written.joined(separator: ","))"]) }
        } catch {
            logger.error("checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    /// Retrains the IVF indexes that drifted under ``driftPolicy``, one at a time.
    public func retrainDrifted() {
        for collection in library.allCollections {
            do {
                if let reason = try collection.retrainIfDrifted(under: driftPolicy) {
                    logger.notice("index retrained", metadata: [
                        "collection": "\(collection.name)", "reason": "\(reason)", "index": "\(collection.index.factory)",
                    ])
                }
            } catch {
                logger.error("retraining failed", metadata: ["collection": "\(collection.name)", "error": "\(error)"])
            }
        }
    }
}
