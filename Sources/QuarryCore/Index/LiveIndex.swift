import Faiss
import Foundation
import Synchronization

/// The FAISS index serving a collection, kept in step with its store and
/// checkpointed to `index.faiss` + `index.manifest.json`.
///
/// Searches take the current index and run concurrently. Mutations are
/// serialised here (and are exclusive inside FAISS). The index is held behind
/// a lock so that a rebuilt index can be swapped in at once: a search sees the
/// old or the new index, never a half-built one.
///
/// An index type that must be trained (IVF, PQ) waits for enough stored vectors: until then
/// the collection is served exactly by a `Flat` index, and the first write that brings
/// enough vectors trains the wanted type and swaps it in.
public final class LiveIndex: Sendable {
    private let state: Mutex<(index: Faiss.Index, factory: String)>
    /// The index type the collection asks for; ``factory`` differs while too few vectors are stored to train it.
    private let wanted: Mutex<String>
    let metric: Metric
    let source: any VectorSource
    private let mutation = Mutex<Void>(())
    /// Held by a store write with its index change, and by a rebuild from the store, so neither splits the other.
    private let writes = Mutex<Void>(())
    private let changedSinceCheckpoint = Atomic(false)
    private let changes = Atomic(0)
    private static let instances = Atomic(0)
    /// Tells this index from every other opened in the process, one of a same-name collection included.
    public let instance: Int
    let files: IndexFiles
    /// The writes into the collection's folder; ended when the collection is deleted.
    public let lifetime: FolderLifetime

    init(
        index: Faiss.Index, factory: String, wantedFactory: String, metric: Metric, source: any VectorSource, files: IndexFiles,
        lifetime: FolderLifetime
    ) {
        state = Mutex((index, factory))
        wanted = Mutex(wantedFactory)
        self.metric = metric
        self.source = source
        self.files = files
        self.lifetime = lifetime
        instance = Self.instances.add(1, ordering: .relaxed).newValue
    }

    /// The index searches should use now.
    public var current: Faiss.Index { state.withLock { $0.index } }

    /// FAISS factory string the current index was built from.
    public var factory: String { state.withLock { $0.factory } }

    /// The index type waiting for enough stored vectors to be trained, if any.
    public var pendingFactory: String? {
        let wantedFactory = wanted.withLock { $0 }
        return wantedFactory == factory ? nil : wantedFactory
    }

    /// Vectors that searches can return.
    public var count: Int { current.count }

    /// Adds vectors already committed to the store.
    public func add(ids: [Int64], vectors: [Float]) throws(FaissError) {
        try mutation.withLock { (_) throws(FaissError) in
            try current.add(vectors: vectors, ids: ids)
            noteChange()
        }
    }

    /// Removes vectors already deleted from the store.
    public func remove(ids: [Int64]) throws(FaissError) {
        try mutation.withLock { (_) throws(FaissError) in
            _ = try current.remove(ids: ids)
            noteChange()
        }
    }

    /// Builds a new index of type `factory` from every stored vector (training it first when
    /// needed, or as `Flat` while too few are stored to train it) beside the live one, swaps it
    /// in and checkpoints it. Searches use the old index until the swap; writes wait.
    public func rebuild(factory: String) throws {
        try whileWriting {
            wanted.withLock { $0 = factory }
            try swapInRebuiltIndex()
        }
    }

    /// Builds the wanted index type from the store and swaps it in; the caller holds `writes`.
    private func swapInRebuiltIndex() throws {
        try mutation.withLock { _ in
            let (index, factory) = try Self.build(wanting: wanted.withLock { $0 }, metric: metric, source: source)
            state.withLock { $0 = (index, factory) }
            changes.add(1, ordering: .releasing)
            try writeCheckpoint()
        }
    }

    /// Rebuilds the index from the store when removed vectors hold more than
    /// `maximumRemovedShare` of its slots (an HNSW graph keeps a removed vector's node, and
    /// searches fetch past every one); returns whether it did. Searches use the old index
    /// until the swap; writes wait.
    @discardableResult
    public func compactIfNeeded(maximumRemovedShare: Double = 0.2) throws -> Bool {
        try whileWriting {
            let index = current
            let removed = index.removedSlots
            guard removed > 0, Double(removed) > maximumRemovedShare * Double(removed + index.count) else { return false }
            try swapInRebuiltIndex()
            return true
        }
    }

    /// Runs `write` — a store transaction returning its result and the change it made —
    /// and applies that change to the index (removals, then additions), as one step: a
    /// rebuild from the store never runs in between, so it can neither add rows twice nor
    /// miss them. A write that brings enough vectors to train a pending index type trains it.
    @discardableResult
    public func commit<Result: Sendable>(_ write: () throws -> (result: Result, change: StoreChange)) throws -> Result {
        try whileWriting {
            let (result, change) = try write()
            if !change.removedIDs.isEmpty { try remove(ids: change.removedIDs) }
            if !change.addedIDs.isEmpty { try add(ids: change.addedIDs, vectors: change.addedVectors) }
            if let pending = pendingFactory,
                try count >= IndexFactory.minimumTrainingVectors(pending, dimension: source.dimension)
            {
                try swapInRebuiltIndex()
            }
            return result
        }
    }

    /// Writes the index and then its manifest, each atomically.
    public func checkpoint() throws {
        try lifetime.whileOpen { try mutation.withLock { _ in try writeCheckpoint() } }
    }

    /// Runs `body` holding `writes`, unless the collection was deleted.
    private func whileWriting<Result>(_ body: () throws -> Result) throws -> Result {
        try lifetime.whileOpen { try writes.withLock { _ in try body() } }
    }

    /// A number that grows with every change to the index (adds, removals, swaps):
    /// results cached under one generation are stale under the next.
    public var generation: Int { changes.load(ordering: .acquiring) }

    private func noteChange() {
        changes.add(1, ordering: .releasing)
        changedSinceCheckpoint.store(true, ordering: .releasing)
    }

    /// Whether the index changed since it was last written.
    public var hasUncheckpointedChanges: Bool { changedSinceCheckpoint.load(ordering: .acquiring) }

    /// Writes the index and its manifest if it changed since the last checkpoint; returns whether it did.
    @discardableResult
    public func checkpointIfChanged() throws -> Bool {
        try lifetime.whileOpen {
            try mutation.withLock { _ in
                guard changedSinceCheckpoint.load(ordering: .acquiring) else { return false }
                try writeCheckpoint()
                return true
            }
        }
    }

    private func writeCheckpoint() throws {
        let (index, factory) = state.withLock { $0 }
        try index.write(to: files.index)
        let ids = try index.ids()
        let manifest = IndexManifest(
            count: index.count, highestID: ids.max() ?? 0, sha256: try FileDigest.sha256(of: files.index),
            factory: factory, writtenAt: Date()
        )
        try manifest.write(to: files.manifest)
        changedSinceCheckpoint.store(false, ordering: .releasing)
    }
}
