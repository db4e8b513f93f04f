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

    /// Opens the index checkpointed to `files` and brings it in line with `source`: rows
    /// missing from the index are added and entries the store does not know are
    /// removed. An index file that is missing (with rows stored), unreadable or
    /// not the one its manifest describes is replaced by the index `fallback` gives (the
    /// newest valid backup's), or when there is none, rebuilt from the stored vectors.
    public static func open(
        files: IndexFiles, lifetime: FolderLifetime, factory: String, metric: Metric, source: any VectorSource, logger: Logger,
        fallback: () -> IndexFiles? = { nil }
    ) throws -> (LiveIndex, Recovery) {
        var recovery = Recovery()
        let stored = Set(try source.allIDs())
        let isNew = stored.isEmpty && !FileManager.default.fileExists(atPath: files.index.path)
        var usable = loadCheckedIndex(files, recovery: &recovery, dimension: source.dimension, logger: logger)
        if usable == nil, !isNew, let backup = fallback() {
            var backupRecovery = Recovery()
            if let backupIndex = loadCheckedIndex(backup, recovery: &backupRecovery, dimension: source.dimension, logger: logger) {
                logger.warning("index unusable, starting from the newest valid backup", metadata: ["backup": "\(backup.folder.path)"])
                usable = backupIndex
                recovery.restoredFromBackup = backup.folder
            }
        }
        recovery.rebuilt = usable == nil && !isNew
        let (index, builtFactory) = try usable ?? build(wanting: factory, metric: metric, source: source)
        let live = LiveIndex(
            index: index, factory: builtFactory, wantedFactory: factory, metric: metric, source: source, files: files, lifetime: lifetime
        )

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
        if let pending = live.pendingFactory,
            try live.count >= IndexFactory.minimumTrainingVectors(pending, dimension: source.dimension)
        {
            try live.rebuild(factory: pending)
        }
        if recovery.changedIndex || recovery.manifestMismatch {
            logger.warning(
                "index repaired",
                metadata: [
                    "folder": "\(files.folder.path)", "rebuilt": "\(recovery.rebuilt)", "replayed": "\(recovery.replayed)",
                    "backup": "\(recovery.restoredFromBackup?.path ?? "none")",
                    "removed": "\(recovery.removed)", "manifest_mismatch": "\(recovery.manifestMismatch)",
                ])
            try live.checkpoint()
        } else if isNew {
            try live.checkpoint()
        }
        return (live, recovery)
    }

    /// The index file with the factory its manifest records, if it exists, loads with the
    /// expected dimension and is trained (an untrained index cannot hold the stored vectors).
    private static func loadCheckedIndex(
        _ files: IndexFiles, recovery: inout Recovery, dimension: Int, logger: Logger
    ) -> (Faiss.Index, String)? {
        let indexURL = files.index
        guard FileManager.default.fileExists(atPath: indexURL.path) else { return nil }
        guard let manifest = try? IndexManifest.read(from: files.manifest),
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
            guard index.isTrained else {
                logger.error("index is not trained, rebuilding", metadata: ["path": "\(indexURL.path)", "factory": "\(manifest.factory)"])
                return nil
            }
            return (index, manifest.factory)
        } catch {
            logger.error("index unreadable, rebuilding", metadata: ["path": "\(indexURL.path)", "error": "\(error)"])
            return nil
        }
    }

    /// A new index over every stored vector, of type `factory` (trained on them first when the
    /// type needs it) or `Flat` while too few vectors are stored to train it; with the factory built.
    public static func build(wanting factory: String, metric: Metric, source: any VectorSource) throws -> (Faiss.Index, String) {
        let stored = try source.allIDs().count
        let buildable = stored >= (try IndexFactory.minimumTrainingVectors(factory, dimension: source.dimension)) ? factory : "Flat"
        return (try build(factory: buildable, metric: metric, source: source), buildable)
    }

    /// A new index of type `factory` over every stored vector, trained on them first when the type needs it.
    private static func build(factory: String, metric: Metric, source: any VectorSource) throws -> Faiss.Index {
        let index = try Index(dimension: source.dimension, factory: factory, metric: metric)
        if !index.isTrained {
            var training: [Float] = []
            try source.forEachVectorBatch(ids: nil, batchSize: 4_096) { _, vectors in training += vectors }
            try index.train(Matrix(columns: source.dimension, storage: training))
        }
        try source.forEachVectorBatch(ids: nil, batchSize: 4_096) { ids, vectors in
            try index.add(vectors: vectors, ids: ids)
        }
        return index
    }
}
