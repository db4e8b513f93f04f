import HTTPTypes
import Hummingbird
import QuarryCore

/// Where the write routes send their changes: straight to the local collections on a single
/// server, or in cluster mode through the cluster's change log, answering once this node has
/// applied the change. Each method returns what changed and the change's sequence number
/// (nil on a single server, or when nothing changed).
struct WriteCoordinator: Sendable {
    let library: CollectionLibrary
    let replication: (any ChangeReplication)?

    /// Refuses `write` in cluster mode, which does not replicate it.
    func requireSingleServer(for write: String) throws(APIError) {
        guard replication == nil else {
            throw APIError(
                .conflict, code: "not_replicated",
                message: "\(write) is not available in cluster mode: cluster mode replicates text collections, their documents, and creating and deleting collections"
            )
        }
    }

    /// Stores `document` in `collection`: (whether it was stored, not unchanged; passages; seq).
    func store(_ document: TextDocument, in collection: TextCollection, executor: SearchExecutor) async throws -> (Bool, Int, Int64?) {
        guard let replication else {
            let change = try await executor.run { try collection.add(document) }
            return (change != nil, change?.addedIDs.count ?? 0, nil)
        }
        let embedded = try await executor.run { try collection.embed(document) }
        let committed = try await replicated(replication, .storeDocument(collection: collection.name, document: embedded))
        return (committed.sequence != nil, committed.sequence == nil ? 0 : committed.passages, committed.sequence)
    }

    /// Deletes document `source` of `collection`: (passages removed, seq); nil when there is no such document.
    func deleteDocument(source: String, in collection: TextCollection) async throws -> (Int, Int64?)? {
        guard let replication else {
            guard try collection.containsDocument(source: source) else { return nil }
            return (try await onBlockingThread { try collection.deleteDocument(source: source) }, nil)
        }
        let committed = try await replicated(replication, .deleteDocument(collection: collection.name, source: source))
        guard let sequence = committed.sequence else { return nil }
        return (committed.passages, sequence)
    }

    /// Creates collection `name`: (whether it is new, seq).
    func createCollection(_ name: String, as specification: CollectionSpecification) async throws -> (Bool, Int64?) {
        guard let replication else {
            return (try await refusalsAsAPIErrors { try await onBlockingThread { try library.create(name, as: specification) } }, nil)
        }
        guard CollectionConfiguration.isValidName(name) else { throw APIError(CollectionError.invalidName(name)) }
        try refusalsAsAPIErrors { () throws(CollectionError) in try CollectionLibrary.validate(specification) }
        let committed = try await replicated(replication, .createCollection(name: name, specification: specification))
        return (committed.sequence != nil, committed.sequence)
    }

    /// Deletes collection `name`: (whether it existed, seq).
    func deleteCollection(_ name: String) async throws -> (Bool, Int64?) {
        guard let replication else {
            return (try await refusalsAsAPIErrors { try await onBlockingThread { try library.deleteCollection(named: name) } }, nil)
        }
        do {
            return (true, try await replication.commit(.deleteCollection(name: name)).sequence)
        } catch CollectionError.notFound {
            return (false, nil)
        } catch {
            throw Self.answer(to: error)
        }
    }

    /// Commits `write` through the change log.
    private func replicated(_ replication: any ChangeReplication, _ write: ReplicatedWrite) async throws(APIError) -> CommittedWrite {
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

    private func refusalsAsAPIErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CollectionError {
            throw APIError(error)
        }
    }

    private func refusalsAsAPIErrors(_ body: () throws(CollectionError) -> Void) throws(APIError) {
        do {
            try body()
        } catch {
            throw APIError(error)
        }
    }
}
