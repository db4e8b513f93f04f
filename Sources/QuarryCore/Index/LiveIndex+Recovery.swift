import Faiss
import Foundation
import Logging

extension LiveIndex {
    /// What opening an index had to do to match its store.
    public struct Recovery: Sendable, Equatable {
        /// The index file was missing, unreadable or did not match its manifest, and was
        /// rebuilt from the stored vectors (no valid backup had an index to start from).
        public var rebuilt = false
        /// The index file was unusable and the index of this backup folder was used
        /// instead (rows stored since were replayed).
        public var restoredFromBackup: URL?
        /// The index file did not match its manifest.
        public var manifestMismatch = false
        /// Stored vectors that were missing from the index and were added.
        public var replayed = 0
        /// Index entries without a stored row, removed.
        public var removed = 0

        public var changedIndex: Bool { rebuilt || restoredFromBackup != nil || replayed > 0 || removed > 0 }

        /// Whether the index file could not be used as it was (a fallback to a backup or a rebuild).
        public var fellBack: Bool { rebuilt || restoredFromBackup != nil }

        public init() {}
    }

    /// Opens the index in `folder` and brings it in line with `source`: rows
    /// missing from the index are added and entries the store does not know are
    /// removed. An index file that is missing (with rows stored), unreadable or
    /// not the one its manifest describes is replaced by the index of the newest
    /// valid backup in `backups` (`<backups>/<collection>/…`), or when there is
    /// none, rebuilt from the stored vectors.
    public static func open(
        folder: URL, factory: String, metric: Metric, source: any VectorSource, backups: URL? = nil, logger: Logger
    ) throws -> (LiveIndex, Recovery) {
        var recovery = Recovery()
        let stored = Set(try source.allIDs())
        let isNew = stored.isEmpty && !FileManager.default.fileExists(atPath: indexURL(in: folder).path)
        var usable = loadCheckedIndex(in: folder, recovery: &recovery, dimension: source.dimension, logger: logger)
        if usable == nil, !isNew, let backups,
            let (backupIndex, backupFolder) = newestBackupIndex(of: folder.lastPathComponent, in: backups, dimension: source.dimension)
        {
            logger.warning("index unusable, starting from the newest valid backup", metadata: ["backup": "\(backupFolder.path)"])
            usable = backupIndex
            recovery.restoredFromBackup = backupFolder
        }
        recovery.rebuilt = usable == nil && !isNew
        let index = try usable ?? build(factory: factory, metric: metric, source: source)
        let live = LiveIndex(index: index, factory: factory, folder: folder)

        let indexed = Set(try index.ids())
        let missing = stored.subtracting(indexed).sorted()
        let unknown = indexed.subtracting(stored).sorted()
        if !unknown.isEmpty {
            try live.remove(ids: unknown)
            recovery.removed = unknown.count
        }
        if !missing.isEmpty {
            try source.forEachVectorBatch(ids: missing, batchSize: 4_096) { ids, vectors in
                try live.add(ids: ids, vectors: vectors)
            }
            recovery.replayed = missing.count
        }
        if recovery.changedIndex || recovery.manifestMismatch {
            logger.warning("index repaired", metadata: [
                "folder": "\(folder.path)", "rebuilt": "\(recovery.rebuilt)", "replayed": "\(recovery.replayed)",
                "backup": "\(recovery.restoredFromBackup?.path ?? "none")",
                "removed": "\(recovery.removed)", "manifest_mismatch": "\(recovery.manifestMismatch)",
            ])
            try live.checkpoint()
        } else if isNew {
            try live.checkpoint()
        }
        return (live, recovery)
    }

    /// The index file, if it exists and loads with the expected dimension.
    private static func loadCheckedIndex(in folder: URL, recovery: inout Recovery, dimension: Int, logger: Logger) -> Faiss.Index? {
        let indexURL = indexURL(in: folder)
        guard FileManager.default.fileExists(atPath: indexURL.path) else { return nil }
        guard let manifest = try? IndexManifest.read(from: manifestURL(in: folder)),
            let digest = try? FileDigest.sha256(of: indexURL), digest == manifest.sha256
        else {
            // Damaged, or written without its manifest: not to be trusted.
            recovery.manifestMismatch = true
            logger.error("index does not match its manifest", metadata: ["path": "\(indexURL.path)"])
            return nil
        }
        do {
            let index = try Index(contentsOf: indexURL)
            guard index.dimension == dimension else {
                logger.error("index has the wrong dimension", metadata: ["expected": "\(dimension)", "found": "\(index.dimension)"])
                return nil
            }
            return index
        } catch {
            logger.error("index unreadable, rebuilding", metadata: ["path": "\(indexURL.path)", "error": "\(error)"])
            return nil
        }
    }

    /// The index of the newest backup of `collection` that verifies, with its folder.
    private static func newestBackupIndex(of collection: String, in backups: URL, dimension: Int) -> (Faiss.Index, URL)? {
        guard let report = try? BackupManager().newestValidBackup(of: collection, in: backups),
            let index = try? Index(contentsOf: indexURL(in: report.folder)), index.dimension == dimension
        else { return nil }
        return (index, report.folder)
    }

    /// A new index over every stored vector; trains on them first when the index type needs it.
    public static func build(factory: String, metric: Metric, source: any VectorSource) throws -> Faiss.Index {
        let index = try Index(dimension: source.dimension, factory: factory, metric: metric)
        if !index.isTrained {
            var training: [Float] = []
            try source.forEachVectorBatch(ids: nil, batchSize: 4_096) { _, vectors in training += vectors }
            guard !training.isEmpty else { return index }
            try index.train(Matrix(columns: source.dimension, storage: training))
        }
        try source.forEachVectorBatch(ids: nil, batchSize: 4_096) { ids, vectors in
            try index.add(vectors: vectors, ids: ids)
        }
        return index
    }
}
