import HTTPTypes
import Hummingbird
import QuarryCore

/// Where the write routes send their changes: straight to the local collections on a single
/// server, or in cluster mode through the cluster's change log, answering once this node has
/// applied the change.
struct WriteCoordinator: Sendable {
    let library: CollectionLibrary
    let replication: (any ChangeReplication)?

    /// What a write did.
    struct Outcome {
        /// False when the write found nothing to change (an unchanged document, an identical collection).
        var changed: Bool
        /// Passages stored or removed, for document writes.
        var passages = 0
        /// The change-log sequence number it reached; nil on a single server, or when nothing changed.
        var sequence: Int64?
        /// For alias writes, the collection the alias named before.
        var previousTarget: String?
    }

    /// Adds `inputs` to image collection `collection`: in cluster mode each image is embedded
    /// here and committed to the change log on its own, its outcome `stored` under the id the
    /// cluster gave it. Returns the outcomes and the last sequence number reached.
    func addImages(
        _ inputs: [ImageInput], to collection: ImageCollection, executor: SearchExecutor
    ) async throws -> (result: ImageAddResult, sequence: Int64?) {
        guard let replication else { return (try await executor.run { try collection.add(inputs) }, nil) }
        var (result, images) = try await executor.run { try collection.embedded(inputs) }
        var sequence: Int64?
        for (offset, image) in images {
            let committed = try await committed(replication, .storeImage(collection: collection.name, image: image))
            sequence = committed.sequence ?? sequence
            result.outcomes[offset] = committed.itemID.map { .stored(id: $0) } ?? .unchanged
        }
        return (result, sequence)
    }

    /// Deletes item `id` (a passage or an image) of `collection`; unchanged when it has no such item.
    func deleteItem(_ id: Int64, in collection: any IndexedCollection, executor: SearchExecutor) async throws -> Outcome {
        guard let replication else {
            // Removing ids from an index can move every vector after them: CPU work, for the executor.
            let removed = try await executor.run {
                if let text = collection as? TextCollection { return try text.deletePassages(ids: [id]) }
                return try (collection as? ImageCollection)?.delete(ids: [id]) ?? []
            }
            return Outcome(changed: !removed.isEmpty, passages: removed.count)
        }
        return try await replicated(replication, .deleteItem(collection: collection.name, id: id))
    }

    /// Stores `document` in `collection`; unchanged when its content hash is. The embedding time
    /// goes to `metrics`.
    func store(
        _ document: TextDocument, in collection: TextCollection, executor: SearchExecutor, metrics: QuarryMetrics
    ) async throws -> Outcome {
        guard let replication else {
            let change = try await executor.run { () -> StoreChange? in
                guard try collection.needsStoring(document) else { return nil }
                return try collection.save(Self.embed(document, by: collection, metrics: metrics))
            }
            return Outcome(changed: change != nil, passages: change?.addedIDs.count ?? 0)
        }
        let embedded = try await executor.run { try Self.embed(document, by: collection, metrics: metrics) }
        return try await replicated(replication, .storeDocument(collection: collection.name, document: embedded))
    }

    /// `document` embedded by `collection`'s encoder; the time it took is recorded as one share per passage.
    private static func embed(_ document: TextDocument, by collection: TextCollection, metrics: QuarryMetrics) throws -> EmbeddedDocument {
        let start = Stopwatch()
        let embedded = try document.embedded(by: collection.encoder)
        let seconds = start.seconds
        metrics.recordEmbedding(model: collection.configuration.model, seconds: seconds, inputs: document.passages.count)
        return embedded
    }

    /// Deletes document `source` of `collection`; unchanged when there is no such document.
    func deleteDocument(source: String, in collection: TextCollection, executor: SearchExecutor) async throws -> Outcome {
        guard let replication else {
            return try await executor.run {
                guard try collection.containsDocument(source: source) else { return Outcome(changed: false) }
                return Outcome(changed: true, passages: try collection.deleteDocument(source: source))
            }
        }
        return try await replicated(replication, .deleteDocument(collection: collection.name, source: source))
    }

    /// Creates collection `name`; unchanged when an identical one exists.
    func createCollection(_ name: String, as specification: CollectionSpecification) async throws -> Outcome {
        guard let replication else {
            guard specification.sharding == nil else {
                throw CollectionError.invalidSetting("shards and replicas need cluster mode (--cluster-url): a single server holds whole collections")
            }
            return Outcome(changed: try await onBlockingThread { try library.create(name, as: specification) })
        }
        guard CollectionConfiguration.isValidName(name) else { throw CollectionError.invalidName(name) }
        try CollectionLibrary.validate(specification)
        return try await replicated(replication, .createCollection(name: name, specification: specification))
    }

    /// Deletes collection `name`; unchanged when there is no such collection.
    func deleteCollection(_ name: String) async throws -> Outcome {
        guard let replication else {
            return Outcome(changed: try await onBlockingThread { try library.deleteCollection(named: name) })
        }
        do {
            return Outcome(replication: try await replication.commit(.deleteCollection(name: name)))
        } catch CollectionError.notFound {
            return Outcome(changed: false)
        } catch {
            throw Self.answer(to: error)
        }
    }

    /// Points `alias` at collection `collection`, creating or moving it; unchanged when it named it already.
    func setAlias(_ alias: String, to collection: String) async throws -> Outcome {
        guard let replication else {
            let previous = try await onBlockingThread { try library.setAlias(alias, to: collection) }
            return Outcome(changed: previous != collection, previousTarget: previous)
        }
        guard CollectionConfiguration.isValidName(alias) else { throw CollectionError.invalidName(alias) }
        return try await replicated(replication, .setAlias(alias: alias, collection: collection))
    }

    /// Removes `alias`; unchanged when there is no such alias.
    func removeAlias(_ alias: String) async throws -> Outcome {
        guard let replication else {
            let previous = try await onBlockingThread { try library.removeAlias(alias) }
            return Outcome(changed: previous != nil, previousTarget: previous)
        }
        return try await replicated(replication, .removeAlias(alias: alias))
    }

    /// Commits `write` through the change log.
    private func replicated(_ replication: any ChangeReplication, _ write: ReplicatedWrite) async throws(APIError) -> Outcome {
        Outcome(replication: try await committed(replication, write))
    }

    /// Commits `write` through the change log, answering what it did.
    private func committed(_ replication: any ChangeReplication, _ write: ReplicatedWrite) async throws(APIError) -> CommittedWrite {
        do {
            return try await replication.commit(write)
        } catch {
            throw Self.answer(to: error)
        }
    }

    /// A refusal as its API error; an unreachable database, or a change not applied here in time, as 503.
    private static func answer(to error: any Error) -> APIError {
        if let refusal = error as? CollectionError { return APIError(refusal) }
        var unavailable = APIError(.serviceUnavailable, code: "cluster_unavailable", message: "cluster write failed: \(error)")
        unavailable.headers[.retryAfter] = "1"
        return unavailable
    }
}

extension WriteCoordinator.Outcome {
    /// A committed write: changed when it logged an entry.
    init(replication committed: CommittedWrite) {
        self.init(
            changed: committed.sequence != nil, passages: committed.sequence == nil ? 0 : committed.passages, sequence: committed.sequence,
            previousTarget: committed.previousTarget)
    }
}
