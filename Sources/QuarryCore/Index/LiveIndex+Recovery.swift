import Faiss
import Foundation
import Logging

extension LiveIndex {
    /// What opening an index had to do to match its store.
    public struct Recovery: Sendable, Equatable {
        /// The index file was missing or unreadable and was rebuilt from stored vectors.
        public var rebuilt = false
        /// The index file did not match its manifest.
        public var manifestMismatch = false
        /// Stored vectors that were missing from the index and were added.
        public var replayed = 0
        /// Index entries without a stored row, removed.
        public var removed = 0

        public var changedIndex: Bool { rebuilt || replayed > 0 || removed > 0 }

        public init() {}
    }

    /// Opens the index in `folder` and brings it in line with `source`: rows
    /// missing from the index are added, entries the store does not know are
    /// removed, and an unreadable index is rebuilt from the stored vectors.
    public static func open(
        folder: URL, factory: String, metric: Metric, source: any VectorSource, logger: Logger
    ) throws -> (LiveIndex, Recovery) {
        var recovery = Recovery()
        let stored = Set(try source.allIDs())
        let isNew = stored.isEmpty && !FileManager.default.fileExists(atPath: indexURL(in: folder).path)
        let loaded = loadCheckedIndex(in: folder, recovery: &recovery, dimension: source.dimension, logger: logger)
        let index = try loaded ?? build(factory: factory, metric: metric, source: source)
        recovery.rebuilt = loaded == nil && !isNew
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
        if let manifest = try? IndexManifest.read(from: manifestURL(in: folder)),
            let digest = try? FileDigest.sha256(of: indexURL), digest == manifest.sha256
        {
            // Matches its manifest.
        } else {
            recovery.manifestMismatch = true
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
