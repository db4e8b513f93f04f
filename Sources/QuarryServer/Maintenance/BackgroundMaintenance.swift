import Foundation
import Logging
import QuarryCore
import ServiceLifecycle

/// Work a running server does on its own: writing changed indexes to disk
/// every `checkpointInterval` seconds, retraining IVF indexes that drifted
/// (checked every `driftCheckInterval` seconds; nil turns it off), and backing
/// up each collection whose newest backup is older than `backupInterval`
/// (nil turns it off), keeping the newest `keptBackups`. A ServiceLifecycle `Service`: run beside
/// the HTTP server, it stops on graceful shutdown once the step under way is done.
public struct BackgroundMaintenance: Service {
    public let library: CollectionLibrary
    public var checkpointInterval: Double
    public var driftCheckInterval: Double?
    public var driftPolicy: DriftPolicy
    public var backupInterval: Double?
    public var keptBackups: Int
    let logger: Logger

    public init(
        library: CollectionLibrary, checkpointInterval: Double = 60, driftCheckInterval: Double? = 600,
        driftPolicy: DriftPolicy = .init(), backupInterval: Double? = 86_400, keptBackups: Int = 7, logger: Logger
    ) {
        self.library = library
        self.checkpointInterval = checkpointInterval
        self.driftCheckInterval = driftCheckInterval
        self.driftPolicy = driftPolicy
        self.backupInterval = backupInterval
        self.keptBackups = keptBackups
        self.logger = logger
    }

    /// Where scheduled backups go: `<data>/.backups`, where start-up also looks for a fallback index.
    public var backupsRoot: URL { BackupManager.defaultBackupsRoot(for: library.dataDirectory) }

    /// Runs until the task is cancelled or the service group shuts down gracefully; then returns
    /// as soon as the step under way (a checkpoint, one collection's backup, one retraining) is done.
    public func run() async {
        await cancelWhenGracefulShutdown { await maintain() }
    }

    private func maintain() async {
        var sinceDriftCheck = 0.0
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(checkpointInterval))
            } catch {
                return
            }
            checkpointChanged()
            backUpDue()
            sinceDriftCheck += checkpointInterval
            if !Task.isCancelled, let driftCheckInterval, sinceDriftCheck >= driftCheckInterval {
                sinceDriftCheck = 0
                retrainDrifted()
            }
        }
    }

    /// Rebuilds the indexes that removals left with too many dead slots, then writes every
    /// index that changed since its last checkpoint.
    public func checkpointChanged() {
        do {
            let compacted = try library.compactIndexes()
            if !compacted.isEmpty { logger.info("compacted", metadata: ["collections": "\(compacted.joined(separator: ","))"]) }
        } catch {
            logger.error("compaction failed", metadata: ["error": "\(error)"])
        }
        do {
            let written = try library.checkpointChanged()
            if !written.isEmpty { logger.info("checkpointed", metadata: ["collections": "\(written.joined(separator: ","))"]) }
        } catch {
            logger.error("checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    /// Backs up every collection whose newest backup is older than ``backupInterval``, then prunes.
    public func backUpDue(now: Date = Date()) {
        guard let backupInterval else { return }
        let manager = BackupManager()
        for collection in library.allCollections where !Task.isCancelled {
            if let newest = manager.newestBackupDate(of: collection.name, in: backupsRoot),
                now.timeIntervalSince(newest) < backupInterval
            {
                continue
            }
            do {
                // A deletion waits for the backup; one done before it is not started.
                let info = try collection.whileOpen {
                    try collection.checkpoint()
                    return try manager.backup(collection.folder, to: backupsRoot)
                }
                try manager.prune(collection: collection.name, in: backupsRoot, keepNewest: keptBackups)
                logger.info("backed up", metadata: ["collection": "\(collection.name)", "backup": "\(info.folder.path)"])
            } catch CollectionError.notFound {
                continue
            } catch {
                logger.error("backup failed", metadata: ["collection": "\(collection.name)", "error": "\(error)"])
            }
        }
    }

    /// Retrains the IVF indexes that drifted under ``driftPolicy``, one at a time.
    public func retrainDrifted() {
        for collection in library.allCollections where !Task.isCancelled {
            do {
                if let reason = try collection.retrainIfDrifted(under: driftPolicy) {
                    logger.notice(
                        "index retrained",
                        metadata: [
                            "collection": "\(collection.name)", "reason": "\(reason)", "index": "\(collection.indexFactory)",
                        ])
                }
            } catch CollectionError.notFound {
                continue
            } catch {
                logger.error("retraining failed", metadata: ["collection": "\(collection.name)", "error": "\(error)"])
            }
        }
    }
}
