import Logging
import QuarryCore

/// Commits writes to a cluster's change log without following it: what `quarry ingest
/// --cluster-url` uses, and what a ``ClusterNode`` commits through.
public final class ClusterWriter: Sendable {
    /// The name recorded with each committed write (a node's name, or the CLI's).
    public let name: String
    let database: ClusterDatabase
    let logger: Logger
    /// How long one attempt at committing a write (a batch of images, say) may take.
    static let commitAttemptLimit: Duration = .seconds(60)

    /// Connects to the cluster at `url` and brings its schema up to date (one process at a time).
    /// - Throws: ``ClusterError`` when no listed host takes writes within a minute, or the schema is newer than this binary.
    public static func connect(url: ClusterURL, name: String, logger: Logger) async throws -> ClusterWriter {
        let database = ClusterDatabase(url: url, logger: logger)
        _ = try await database.run("migrate the cluster schema", patience: .seconds(60), attemptLimit: .seconds(60)) { connection in
            try await ClusterSchema.migrate(connection, logger: logger)
        }
        return ClusterWriter(name: name, database: database, logger: logger)
    }

    private init(name: String, database: ClusterDatabase, logger: Logger) {
        self.name = name
        self.database = database
        self.logger = logger
    }

    /// Commits `write` in one transaction, retrying on a fresh connection for up to `patience`
    /// while the database is unreachable.
    /// - Throws: ``CollectionError`` refusals (no such collection, a different one of that name);
    ///   ``ClusterError/databaseUnreachable(hosts:lastError:)``.
    public func commit(_ write: ReplicatedWrite, patience: Duration = .seconds(20)) async throws -> CommittedWrite {
        let (name, logger) = (name, logger)
        return try await database.run("commit a write", patience: patience, attemptLimit: Self.commitAttemptLimit) { connection in
            try await ChangeLog.commit(write, node: name, on: connection, logger: logger)
        }
    }

    /// Creates collection `name` unless the cluster has it already with the same kind and model;
    /// its other settings (index type, shards) are then kept. What `quarry ingest --cluster-url`
    /// does before committing into a collection that may exist.
    /// - Throws: ``CollectionError/alreadyExists(_:)`` when the existing one has another kind or
    ///   model; ``ClusterError/databaseUnreachable(hosts:lastError:)``.
    public func ensureCollection(_ name: String, as specification: CollectionSpecification) async throws -> CommittedWrite {
        do {
            return try await commit(.createCollection(name: name, specification: specification))
        } catch CollectionError.alreadyExists(let existing) {
            let logger = logger
            let stored = try await database.run("read a collection", patience: .seconds(20)) { connection in
                try await ChangeLog.storedSpecification(name, connection, logger: logger)
            }
            guard let stored, stored.kind == specification.kind, stored.model == specification.model else {
                throw CollectionError.alreadyExists(existing)
            }
            return CommittedWrite(sequence: nil)
        }
    }

    /// Closes the idle connections.
    public func close() async {
        await database.closeAll()
    }
}
