import Faiss
import Foundation
import Logging

/// What text and image collections share: settings in `collection.json`, a
/// store that holds every vector (the source of truth) and a live FAISS index
/// built from it.
public protocol IndexedCollection: AnyObject, Sendable {
    var folder: CollectionFolder { get }
    var index: LiveIndex { get }
    /// What opening the index had to repair.
    var recovery: LiveIndex.Recovery { get }
    /// The settings, kept in `collection.json`.
    var settings: CollectionSettings { get }
    /// Where the collection logs, with its name in the metadata.
    var logger: Logger { get }
    /// The store, as the source of the index's vectors.
    var vectorSource: any VectorSource { get }
    /// The size from which Quarry picks an approximate index type for this kind of collection.
    static var flatLimit: Int { get }
    /// The index type Quarry picks for a collection of this kind with `count` vectors, exact below `flatLimit`.
    static func defaultFactory(forCount count: Int, flatLimit: Int) -> String
}

extension IndexedCollection {
    /// The settings now (`collection.json`).
    public var configuration: CollectionConfiguration { settings.current }

    public var name: String { configuration.name }

    /// Changes the settings and writes them to `collection.json`.
    /// - Throws: ``CollectionError/notFound(_:)`` once deleted; the write's error, leaving the settings unchanged.
    public func updateConfiguration(_ change: (inout CollectionConfiguration) -> Void) throws {
        try whileOpen { try settings.update(change) }
    }

    /// Vectors that searches can return now.
    public var vectorCount: Int { index.count }

    /// The FAISS factory string of the index serving now.
    public var indexFactory: String { index.factory }

    /// Grows with every change to the index: an answer cached under an older generation is stale.
    public var generation: Int { index.generation }

    /// Tells this opening of the collection from every other in the process: one of the same name
    /// created after a deletion, or the collection opened again after a restore.
    public var instance: Int { index.instance }

    /// Runs `operation` unless the collection has been deleted; a deletion waits for it.
    /// - Throws: ``CollectionError/notFound(_:)`` once deleted; whatever `operation` throws.
    public func whileOpen<Result>(_ operation: () throws -> Result) throws -> Result {
        try index.lifetime.whileOpen(operation)
    }

    /// Builds a new index from every stored vector beside the live one
    /// (training it when the type needs it) and swaps it in; searches use the
    /// old index until then. `factory` nil keeps the collection's index type, or
    /// for a type Quarry chose, picks the one its size calls for now. Returns the
    /// factory string of the new index.
    /// - Throws: ``CollectionError/invalidFactory(_:reason:)`` when FAISS cannot build `factory`;
    ///   ``CollectionError/tooFewVectorsToTrain(factory:needed:stored:)``; ``CollectionError/notFound(_:)`` once deleted.
    @discardableResult
    public func reindex(factory: String? = nil) throws -> String {
        let current = configuration
        let count = try vectorSource.allIDs().count
        let target = factory ?? self.factory(forCount: count)
        do {
            // Refuse an invalid factory string, or one too few vectors are stored to train, before anything changes.
            let needed = try IndexFactory.minimumTrainingVectors(target, dimension: current.dimension)
            guard count >= needed else { throw CollectionError.tooFewVectorsToTrain(factory: target, needed: needed, stored: count) }
            try rebuildIndex(factory: target) { configuration in
                if factory != nil { configuration.automaticFactory = false }
            }
        } catch let error as FaissError {
            throw CollectionError.invalidFactory(target, reason: "\(error)")
        }
        return target
    }

    /// The index type Quarry picks for a collection of this kind with `count` vectors.
    public static func defaultFactory(forCount count: Int) -> String {
        defaultFactory(forCount: count, flatLimit: flatLimit)
    }

    /// Quarry's one policy for index types: the index type the collection calls for with `count`
    /// vectors. That is the type it was given, or for a type Quarry chose, the kind's default for
    /// that size (see ``defaultFactory(forCount:flatLimit:)``).
    public func factory(forCount count: Int, flatLimit: Int = Self.flatLimit) -> String {
        let current = configuration
        return current.automaticFactory == true ? Self.defaultFactory(forCount: count, flatLimit: flatLimit) : current.factory
    }

    /// Moves a collection whose index type Quarry chose to the type its size calls for
    /// (``factory(forCount:flatLimit:)``), rebuilding the index from the stored vectors and
    /// swapping it in. A trained IVF index keeps its lists while their ideal number stays within
    /// 25% of it (the collection's size within about ±55% of the size it was trained for); drift
    /// retraining (``retrainIfDrifted(under:)``) handles growth beyond that. Returns the new
    /// factory string when it changed.
    @discardableResult
    public func adaptIndexType(flatLimit: Int = Self.flatLimit) throws -> String? {
        let current = configuration
        let wanted = factory(forCount: index.count, flatLimit: flatLimit)
        guard wanted != current.factory else { return nil }
        if let wantedLists = IndexFactory.invertedLists(in: wanted), let lists = index.current.nlist,
            (0.8...1.25).contains(Double(wantedLists) / Double(lists))
        {
            return nil
        }
        logger.notice("changing index type for the collection's size", metadata: ["from": "\(current.factory)", "to": "\(wanted)"])
        try rebuildIndex(factory: wanted)
        return wanted
    }

    /// Rebuilds the index as `factory` from the stored vectors, swaps it in and
    /// records the new type (and for a trained type, its training size) in the settings.
    func rebuildIndex(factory: String, alsoChange: (inout CollectionConfiguration) -> Void = { _ in }) throws {
        try index.rebuild(factory: factory)
        let trained = index.current.nlist == nil ? nil : index.count
        try updateConfiguration { configuration in
            if factory != configuration.factory { configuration.searchDefaults.nprobe = nil }
            configuration.factory = factory
            configuration.trainedVectors = trained
            alsoChange(&configuration)
        }
    }

    /// Why the index should be retrained under `policy`, or nil when it is fine.
    public func drift(under policy: DriftPolicy) -> DriftPolicy.Reason? {
        let index = index.current
        guard index.nlist != nil else { return nil }
        if let trained = configuration.trainedVectors, trained > 0,
            Double(index.count) > Double(trained) * (1 + policy.maximumGrowth)
        {
            return .grown(trainedOn: trained, now: index.count)
        }
        if let imbalance = index.imbalanceFactor, imbalance > policy.maximumImbalance {
            return .unbalanced(imbalanceFactor: imbalance)
        }
        return nil
    }

    /// Retrains the index (same type, or the automatic type for the current size) when it has drifted;
    /// returns the reason it did, or nil.
    @discardableResult
    public func retrainIfDrifted(under policy: DriftPolicy) throws -> DriftPolicy.Reason? {
        guard let reason = drift(under: policy) else { return nil }
        try reindex()
        return reason
    }

    /// Throws unless `other` holds vectors of the same kind, model and dimension (so they can be copied over as they are).
    func requireMergeable(_ other: any IndexedCollection) throws {
        let (mine, theirs) = (configuration, other.configuration)
        guard mine.kind == theirs.kind, mine.model == theirs.model, mine.dimension == theirs.dimension, mine.metric == theirs.metric else {
            throw CollectionError.incompatibleMerge(
                from: theirs.name, into: mine.name,
                reason: "\(theirs.kind.rawValue)/\(theirs.model)/\(theirs.dimension)-d vs \(mine.kind.rawValue)/\(mine.model)/\(mine.dimension)-d"
            )
        }
    }

    /// Writes the index and its manifest to disk.
    public func checkpoint() throws {
        try index.checkpoint()
    }
}
