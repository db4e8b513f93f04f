import Foundation
import Logging
import PostgresNIO
import QuarryCore
import ServiceLifecycle
import Synchronization

/// One Quarry node of a cluster. Writes go to PostgreSQL, the cluster's durable and replicated
/// source of truth, as one transaction each (rows plus a change-log entry); every node, this one
/// included, follows the log and applies each change to its local collections (SQLite, FAISS and
/// keyword indexes), so searches stay local.
///
/// The node wakes on a PostgreSQL notification and also polls, so nothing depends on a
/// notification arriving. Run it as a `Service`: it follows the log until a graceful shutdown,
/// finishing the change under way first.
public final class ClusterNode: ChangeReplication, Service {
    /// The node's name (`--node-name`), recorded with each write it commits.
    public var name: String { writer.name }
    private let writer: ClusterWriter
    private var database: ClusterDatabase { writer.database }
    private let library: CollectionLibrary
    /// Where this node answers HTTP, recorded for the nodes that fan queries out to it.
    private let advertisedURL: String?
    private let logger: Logger
    private let progress: Mutex<Progress>
    private let shardMaps = Mutex<[String: ShardMapReading]>([:])
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    private struct Progress {
        var applied: Int64
        var latest: Int64
        var databaseReachable = true
        var lastError: String?
        var waiters: [UUID: (sequence: Int64, continuation: CheckedContinuation<Bool, Never>)] = [:]
    }

    /// The holders of a collection's shards as last read from PostgreSQL.
    private struct ShardMapReading {
        var holders: [ChangeLog.ShardHolder]
        var readAt: ContinuousClock.Instant
    }

    /// How long a write keeps retrying while the database is unreachable (a failover under way).
    public static let writePatience: Duration = .seconds(20)
    /// How long a committed write waits for this node to apply it before its answer gives up.
    public static let applyPatience: Duration = .seconds(30)
    /// How often the node looks for new changes when no notification came.
    static let pollInterval: Duration = .milliseconds(500)
    /// Most entries read from the log at once.
    static let batchSize = 256
    /// How often a node prunes the log of entries every live node has applied.
    static let pruneInterval: Duration = .seconds(30)
    /// A node unseen for longer no longer holds entries back from pruning (it bootstraps when it returns).
    public static let logRetention: Duration = .seconds(7 * 86_400)
    /// How often a node reports that it is alive (and how far it got), well within ``ChangeLog/nodeLiveness``.
    static let heartbeatInterval: Duration = .seconds(5)
    /// How long one attempt at a bootstrap, which reads every row and stores what this node lacks, may take.
    static let bootstrapAttemptLimit: Duration = .seconds(1800)
    /// How long a shard map read from PostgreSQL is used before it is read again (when it can be).
    static let shardMapLifetime: Duration = .seconds(2)

    /// Connects to the cluster at `url`, migrates its schema (one node at a time) and readies
    /// node `name` to follow the log into `library`, from where its data folder got to. The node
    /// reports itself alive at once, with `advertisedURL` (`http://host:port`) as where other
    /// nodes send the queries of the shards it holds.
    /// - Throws: ``ClusterError`` when the database stays unreachable or the data folder
    ///   belongs to another node.
    public static func join(
        url: ClusterURL, name: String, advertisedURL: String? = nil, library: CollectionLibrary, logger: Logger
    ) async throws -> ClusterNode {
        var logger = logger
        logger[metadataKey: "node"] = "\(name)"
        let writer = try await ClusterWriter.connect(url: url, name: name, logger: logger)
        let isNew = !FileManager.default.fileExists(atPath: library.dataDirectory.appendingPathComponent(NodeState.fileName).path)
        if isNew, !library.allCollections.isEmpty {
            throw ClusterError.stateFile(
                path: library.dataDirectory.path,
                reason: "the data folder holds collections but was never a cluster node's: start a new node on an empty folder"
            )
        }
        let state = try NodeState.load(from: library.dataDirectory, node: name)
        try state.save(to: library.dataDirectory)
        let node = ClusterNode(writer: writer, library: library, advertisedURL: advertisedURL, applied: state.appliedSequence, logger: logger)
        try await node.reportProgress(patience: .seconds(60))
        logger.notice(
            "joined the cluster",
            metadata: ["database": "\(url)", "applied_seq": "\(state.appliedSequence)", "url": "\(advertisedURL ?? "")"])
        return node
    }

    private init(writer: ClusterWriter, library: CollectionLibrary, advertisedURL: String?, applied: Int64, logger: Logger) {
        self.writer = writer
        self.library = library
        self.advertisedURL = advertisedURL
        self.logger = logger
        progress = Mutex(Progress(applied: applied, latest: applied))
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: ChangeReplication

    public func commit(_ write: ReplicatedWrite) async throws -> CommittedWrite {
        let committed: CommittedWrite
        do {
            committed = try await writer.commit(write, patience: Self.writePatience)
        } catch {
            record(error)
            throw error
        }
        recordReachable()
        guard let sequence = committed.sequence else { return committed }
        progress.withLock { $0.latest = max($0.latest, sequence) }
        wake.yield()
        guard await waitUntilApplied(sequence, timeout: Self.applyPatience) else {
            throw ClusterError.notApplied(sequence: sequence, appliedUpTo: progress.withLock { $0.applied })
        }
        return committed
    }

    public func waitUntilApplied(_ sequence: Int64, timeout: Duration) async -> Bool {
        if progress.withLock({ $0.applied >= sequence }) { return true }
        let id = UUID()
        return await withCheckedContinuation { continuation in
            let reached = progress.withLock { progress in
                if progress.applied >= sequence { return true }
                progress.waiters[id] = (sequence, continuation)
                return false
            }
            if reached {
                continuation.resume(returning: true)
                return
            }
            wake.yield()
            Task {
                try? await Task.sleep(for: timeout)
                self.progress.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume(returning: false)
            }
        }
    }

    public func status() -> ReplicationStatus {
        progress.withLock {
            ReplicationStatus(
                node: name, appliedSequence: $0.applied, latestSequence: max($0.latest, $0.applied),
                databaseReachable: $0.databaseReachable, lastError: $0.lastError
            )
        }
    }

    public func shardRoute(for collection: String) async throws -> ShardRoute {
        guard let configuration = library.textCollection(named: collection)?.configuration, let sharding = configuration.sharding else {
            throw CollectionError.notFound(collection)
        }
        let local = Set(configuration.heldShards ?? [])
        let holders = try await shardHolders(of: configuration.name)
        var candidates: [Int: [String]] = [:]
        for shard in 0..<sharding.shards where !local.contains(shard) {
            let remote = holders.filter { $0.shard == shard && $0.node != name && $0.url != nil }
            let ordered = remote.filter(\.isLive) + remote.filter { !$0.isLive }
            guard !ordered.isEmpty else { throw ClusterError.shardUnavailable(collection: collection, shard: shard) }
            candidates[shard] = ordered.compactMap(\.url)
        }
        return ShardRoute(localShards: local, remoteCandidates: candidates)
    }

    /// The shard map of `collection`: read again once ``shardMapLifetime`` has passed, and the
    /// last one read while the database cannot be reached (reads go on during an outage).
    private func shardHolders(of collection: String) async throws -> [ChangeLog.ShardHolder] {
        let now = ContinuousClock.now
        let cached = shardMaps.withLock { $0[collection] }
        if let cached, now - cached.readAt < Self.shardMapLifetime { return cached.holders }
        let logger = logger
        do {
            let holders = try await database.run("read the shard map", patience: .seconds(1)) { connection in
                try await ChangeLog.shardHolders(of: collection, on: connection, logger: logger)
            }
            shardMaps.withLock { $0[collection] = ShardMapReading(holders: holders, readAt: now) }
            return holders
        } catch {
            guard let cached else { throw error }
            return cached.holders
        }
    }

    // MARK: Following the log

    public func run() async {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.listenForNotifications() }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: Self.pollInterval)
                        self.wake.yield()
                    }
                }
                group.addTask { await self.pruneRegularly() }
                group.addTask { await self.reportRegularly() }
                self.wake.yield()
                for await _ in self.wakeups {
                    if Task.isCancelled { break }
                    await self.catchUp()
                }
                group.cancelAll()
            }
        }
        await database.closeAll()
        logger.notice("stopped following the change log", metadata: ["applied_seq": "\(status().appliedSequence)"])
    }

    /// Applies every change after the last applied one, in order, until the log has no more.
    private func catchUp() async {
        let logger = logger
        do {
            while !Task.isCancelled {
                let after = progress.withLock { $0.applied }
                let bounds = try await database.run("read the log's bounds", patience: .seconds(2)) { connection in
                    try await ChangeLog.bounds(on: connection, logger: logger)
                }
                progress.withLock { $0.latest = max($0.latest, bounds.latest) }
                // A new node, or one whose next entries were pruned, starts from the rows themselves.
                if bounds.latest > after, after == 0 || (bounds.oldest ?? .max) > after + 1 {
                    try await bootstrap()
                    continue
                }
                let entries = try await database.run("read the change log", patience: .seconds(2)) { connection in
                    try await ChangeLog.entries(after: after, limit: Self.batchSize, on: connection, logger: logger)
                }
                guard !entries.isEmpty else { break }
                for entry in entries {
                    try await apply(entry)
                    try NodeState(node: name, appliedSequence: entry.sequence).save(to: library.dataDirectory)
                    advance(to: entry.sequence)
                }
                try await reportProgress(patience: .seconds(2))
            }
            recordReachable()
        } catch is CancellationError {
            return
        } catch {
            if record(error) { logger.error("could not apply the change log", metadata: ["error": "\(status().lastError ?? "")"]) }
        }
    }

    /// Makes the local collections and aliases exactly what PostgreSQL holds, read in one
    /// snapshot, and records that snapshot's sequence number as applied: documents whose content
    /// hash differs are stored with their rows' ids and vectors, those PostgreSQL lacks are
    /// deleted, and so are collections and aliases.
    private func bootstrap() async throws {
        let (library, logger) = (library, logger)
        let started = ContinuousClock.now
        let (sequence, stored) = try await database.run(
            "bootstrap from the rows", patience: .seconds(30), attemptLimit: Self.bootstrapAttemptLimit
        ) { connection in
            try await connection.withTransaction(logger: logger) { connection in
                try await ChangeLog.useOneSnapshot(connection, logger: logger)
                let sequence = try await ChangeLog.bounds(on: connection, logger: logger).latest
                let collections = try await ChangeLog.collections(on: connection, logger: logger)
                let aliases = try await ChangeLog.aliasTargets(on: connection, logger: logger)
                // The local collections PostgreSQL lacks or holds differently go, after the aliases
                // that name them (a collection an alias names cannot be deleted); aliases come back last.
                let replaced = Set(
                    library.allCollections.filter { local in collections[local.name].map { !$0.matches(local.configuration) } ?? true }
                        .map(\.name))
                for (alias, target) in library.aliasTargets where aliases[alias] != target || replaced.contains(target) {
                    _ = try await onBlockingThread { try library.removeAlias(alias) }
                }
                for name in replaced.sorted() {
                    _ = try await onBlockingThread { try library.deleteCollection(named: name) }
                }
                var stored = 0
                for (name, specification) in collections.sorted(by: { $0.key < $1.key }) {
                    _ = try await onBlockingThread { try library.create(name, as: specification) }
                    let itemIDs = try await ChangeLog.itemIDs(collection: name, on: connection, logger: logger)
                    if let collection = library.imageCollection(named: name) {
                        stored += try await self.reconcile(collection, with: itemIDs, on: connection)
                        continue
                    }
                    guard let collection = library.textCollection(named: name) else { continue }
                    try await self.recordHeldShards(of: collection, on: connection)
                    let configuration = collection.configuration
                    let hashes = try await ChangeLog.documentHashes(collection: name, on: connection, logger: logger)
                        .filter { configuration.holdsDocument(source: $0.key) }
                    for source in try collection.store.sources() where hashes[source] == nil {
                        _ = try await onBlockingThread { try collection.deleteDocument(source: source) }
                    }
                    // Documents whose passages this node lacks though their hash agrees (deleted and
                    // stored again with the same content while this node was away) are stored again too.
                    let lacking = itemIDs.subtracting(try collection.vectorSource.allIDs())
                    let incomplete =
                        lacking.isEmpty
                        ? [] : try await ChangeLog.sources(ofPassages: Array(lacking), collection: name, on: connection, logger: logger)
                    for (source, hash) in hashes.sorted(by: { $0.key < $1.key })
                    where try incomplete.contains(source) || collection.store.contentHash(of: source) != hash {
                        guard
                            let document = try await ChangeLog.document(
                                collection: name, source: source, sequence: nil, on: connection, logger: logger
                            )
                        else { continue }
                        _ = try await onBlockingThread { try collection.save(document, replacingUnchanged: incomplete.contains(source)) }
                        stored += 1
                    }
                    // Single passages deleted since the documents were stored.
                    let removed = try collection.vectorSource.allIDs().filter { !itemIDs.contains($0) }
                    if !removed.isEmpty { _ = try await onBlockingThread { try collection.deletePassages(ids: removed) } }
                }
                for (alias, target) in aliases.sorted(by: { $0.key < $1.key }) where library.aliasTargets[alias] != target {
                    _ = try await onBlockingThread { try library.setAlias(alias, to: target) }
                }
                return (sequence, stored)
            }
        }
        try NodeState(node: name, appliedSequence: sequence).save(to: library.dataDirectory)
        advance(to: sequence)
        logger.notice(
            "bootstrapped from the cluster's rows",
            metadata: [
                "applied_seq": "\(sequence)", "documents_stored": "\(stored)", "seconds": "\(ContinuousClock.now - started)",
            ])
    }

    /// Records in PostgreSQL that this node is alive, how far it has applied the log and where it answers.
    private func reportProgress(patience: Duration) async throws {
        let (name, url, logger) = (name, advertisedURL, logger)
        let applied = progress.withLock { $0.applied }
        try await database.run("report progress", patience: patience) { connection in
            try await ChangeLog.report(node: name, applied: applied, url: url, on: connection, logger: logger)
        }
    }

    /// Reports this node alive every ``heartbeatInterval``, so that queries keep trying it first.
    private func reportRegularly() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.heartbeatInterval)
            guard !Task.isCancelled else { return }
            do {
                try await reportProgress(patience: .seconds(2))
            } catch {
                logger.debug("could not report progress", metadata: ["error": "\(ClusterDatabase.describe(error))"])
            }
        }
    }

    /// Makes image collection `collection` hold exactly the images `ids` names (every image
    /// stored in PostgreSQL has an id of its own): the others are deleted, the missing ones read
    /// and stored. Returns how many were stored.
    private func reconcile(_ collection: ImageCollection, with ids: Set<Int64>, on connection: PostgresConnection) async throws -> Int {
        let local = Set(try collection.vectorSource.allIDs())
        let removed = local.subtracting(ids)
        if !removed.isEmpty { _ = try await onBlockingThread { try collection.delete(ids: Array(removed)) } }
        let missing = ids.subtracting(local).sorted()
        for batch in stride(from: 0, to: missing.count, by: 64).map({ Array(missing[$0..<min($0 + 64, missing.count)]) }) {
            let images = try await ChangeLog.images(collection: collection.name, ids: batch, on: connection, logger: logger)
            try await onBlockingThread { _ = try collection.save(images) }
        }
        return missing.count
    }

    /// Records in a sharded collection's configuration the shards the shard map gives this node.
    private func recordHeldShards(of collection: TextCollection, on connection: PostgresConnection) async throws {
        guard collection.configuration.sharding != nil else { return }
        let held = try await ChangeLog.heldShards(of: collection.name, node: name, on: connection, logger: logger)
        guard collection.configuration.heldShards != held else { return }
        try await onBlockingThread { try collection.updateConfiguration { $0.heldShards = held } }
    }

    /// Prunes the log every ``pruneInterval``: entries every node seen within ``logRetention`` has applied.
    private func pruneRegularly() async {
        let logger = logger
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.pruneInterval)
            guard !Task.isCancelled else { return }
            do {
                let pruned = try await database.run("prune the change log", patience: .seconds(2)) { connection in
                    try await ChangeLog.prune(retention: Self.logRetention, on: connection, logger: logger)
                }
                if pruned > 0 { logger.info("pruned the change log", metadata: ["entries": "\(pruned)"]) }
            } catch {
                logger.debug("could not prune the change log", metadata: ["error": "\(ClusterDatabase.describe(error))"])
            }
        }
    }

    /// Records `error` for `/health` (and whether the database was reachable); returns whether it differs from the last one.
    @discardableResult
    private func record(_ error: any Error) -> Bool {
        let reason = (error as? ClusterError)?.description ?? ClusterDatabase.describe(error)
        let unreachable = if case ClusterError.databaseUnreachable = error { true } else { false }
        return progress.withLock { progress in
            let isNew = progress.lastError != reason
            progress.lastError = reason
            if unreachable { progress.databaseReachable = false }
            return isNew
        }
    }

    /// Records that the database took this node's statements, ending an outage for `/health`.
    private func recordReachable() {
        progress.withLock {
            $0.databaseReachable = true
            $0.lastError = nil
        }
    }

    /// Records `sequence` as applied and answers the waits it satisfies.
    private func advance(to sequence: Int64) {
        let satisfied = progress.withLock { progress in
            progress.applied = sequence
            progress.latest = max(progress.latest, sequence)
            let done = progress.waiters.filter { $0.value.sequence <= sequence }
            for id in done.keys { progress.waiters.removeValue(forKey: id) }
            return done.values.map(\.continuation)
        }
        for continuation in satisfied { continuation.resume(returning: true) }
    }

    /// Applies one change to the local collections. A change that a later one supersedes (its
    /// rows replaced or deleted since) is skipped: the later entry carries the current rows.
    private func apply(_ entry: ChangeLog.Entry) async throws {
        let (library, logger) = (library, logger)
        if entry.operation == .createCollection || entry.operation == .deleteCollection {
            shardMaps.withLock { $0[entry.collection] = nil }
        }
        switch entry.operation {
        case .createCollection:
            try await database.run("create a collection", patience: .seconds(5)) { connection in
                guard
                    let specification = try await ChangeLog.createdCollection(
                        entry.collection, sequence: entry.sequence, on: connection, logger: logger)
                else { return }
                try await onBlockingThread { _ = try library.create(entry.collection, as: specification) }
                if let collection = library.textCollection(named: entry.collection) {
                    try await self.recordHeldShards(of: collection, on: connection)
                }
            }
        case .deleteCollection:
            try await onBlockingThread { _ = try library.deleteCollection(named: entry.collection) }
        case .storeDocument:
            guard library.textCollection(named: entry.collection)?.configuration.holdsDocument(source: entry.key) != false else { return }
            guard
                let document = try await database.run(
                    "read a document", patience: .seconds(5),
                    { connection in
                        try await ChangeLog.storedDocument(
                            collection: entry.collection, source: entry.key, sequence: entry.sequence, on: connection, logger: logger
                        )
                    })
            else { return }
            let collection = try local(entry, library.textCollection(named:), kind: .text)
            try await onBlockingThread { _ = try collection.save(document) }
        case .deleteDocument:
            guard let collection = library.textCollection(named: entry.collection) else { return }
            try await onBlockingThread { _ = try collection.deleteDocument(source: entry.key) }
        case .setAlias:
            guard
                let target = try await database.run(
                    "read an alias", patience: .seconds(5),
                    { connection in try await ChangeLog.aliasSet(entry.key, sequence: entry.sequence, on: connection, logger: logger) })
            else { return }
            try await onBlockingThread { _ = try library.setAlias(entry.key, to: target) }
        case .removeAlias:
            try await onBlockingThread { _ = try library.removeAlias(entry.key) }
        case .storeImage:
            guard
                let image = try await database.run(
                    "read an image", patience: .seconds(5),
                    { connection in
                        try await ChangeLog.storedImage(
                            collection: entry.collection, path: entry.key, sequence: entry.sequence, on: connection, logger: logger)
                    })
            else { return }
            let collection = try local(entry, library.imageCollection(named:), kind: .image)
            try await onBlockingThread { _ = try collection.save([image]) }
        case .deleteItem:
            guard let id = Int64(entry.key) else {
                throw ClusterError.applyFailed(sequence: entry.sequence, reason: "item id \"\(entry.key)\" is not a number")
            }
            if let collection = library.textCollection(named: entry.collection) {
                try await onBlockingThread { _ = try collection.deletePassages(ids: [id]) }
            } else if let collection = library.imageCollection(named: entry.collection) {
                try await onBlockingThread { _ = try collection.delete(ids: [id]) }
            }
        }
    }

    /// The local collection `entry` writes to, found by `lookup`.
    /// - Throws: ``ClusterError/applyFailed(sequence:reason:)`` when this node lacks it.
    private func local<Collection>(
        _ entry: ChangeLog.Entry, _ lookup: (String) -> Collection?, kind: CollectionKind
    ) throws(ClusterError) -> Collection {
        guard let collection = lookup(entry.collection) else {
            throw .applyFailed(sequence: entry.sequence, reason: "\(kind.rawValue) collection \"\(entry.collection)\" is missing on this node")
        }
        return collection
    }

    /// Wakes the follower on each notification of the change-log channel, reconnecting when the
    /// connection is lost; the polling covers the gaps.
    private func listenForNotifications() async {
        while !Task.isCancelled {
            do {
                let connection = try await database.openConnection()
                try await withTaskCancellationHandler {
                    try await connection.listen(on: ChangeLog.channel) { notifications in
                        for try await notification in notifications {
                            if let sequence = Int64(notification.payload) {
                                progress.withLock { $0.latest = max($0.latest, sequence) }
                            }
                            wake.yield()
                        }
                    }
                } onCancel: {
                    let closing: EventLoopFuture<Void> = connection.close()
                    closing.whenComplete { _ in }
                }
                try? await connection.close()
            } catch {
                logger.debug("change notifications interrupted", metadata: ["error": "\(ClusterDatabase.describe(error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
