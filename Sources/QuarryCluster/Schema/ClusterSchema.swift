import Logging
import PostgresNIO

/// The cluster's tables in PostgreSQL, created and upgraded by numbered migrations. Every node
/// runs ``migrate(_:logger:)`` on start; an advisory lock lets exactly one of them apply a
/// migration while the others wait, and `quarry_schema` records the version reached.
///
/// - `quarry_log_head`: one row, the last sequence number handed out. A write updates it first,
///   which locks it until the write commits, so sequence numbers are gap-free and commit in order.
/// - `quarry_changes`: the change log, one entry per write: its sequence number, collection,
///   operation and key (a document's source). Nodes apply it in order.
/// - `quarry_collections`, `quarry_documents`, `quarry_passages`: the current rows, each with the
///   sequence number of the write that made it; passages keep their vectors as `bytea`
///   (little-endian `Float32`) and the ids every node gives them in FAISS.
/// - `quarry_nodes`: each node's last applied sequence number, reported as it advances.
/// - `quarry_aliases` (version 2): each alias with the collection it names and the sequence
///   number of the write that set it.
/// - `quarry_shards` (version 3): the shard map, the nodes holding each shard of a sharded
///   collection; `quarry_nodes.url` is where each node answers HTTP, for queries fanned out to it.
/// - `quarry_images` (version 4): the images of image collections, each with its file's bytes,
///   its metadata, its vector and the id every node gives it (from `quarry_image_ids`). The bytes
///   live in PostgreSQL rather than a store beside it so that one replicated, backed-up system
///   holds every acknowledged write, and a failover needs nothing else.
enum ClusterSchema {
    /// The migrations, in order; version N is the N-th.
    static let migrations: [[String]] = [
        [
            "CREATE TABLE quarry_log_head (id integer PRIMARY KEY CHECK (id = 1), last_seq bigint NOT NULL)",
            "INSERT INTO quarry_log_head VALUES (1, 0)",
            """
            CREATE TABLE quarry_changes (
                seq bigint PRIMARY KEY,
                collection text NOT NULL,
                operation text NOT NULL,
                key text NOT NULL DEFAULT '',
                node text NOT NULL,
                committed_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE quarry_collections (
                name text PRIMARY KEY,
                specification text NOT NULL,
                seq bigint NOT NULL
            )
            """,
            """
            CREATE TABLE quarry_documents (
                collection text NOT NULL REFERENCES quarry_collections (name) ON DELETE CASCADE,
                source text NOT NULL,
                content_hash text NOT NULL,
                metadata text NOT NULL,
                seq bigint NOT NULL,
                PRIMARY KEY (collection, source)
            )
            """,
            "CREATE SEQUENCE quarry_passage_ids",
            """
            CREATE TABLE quarry_passages (
                id bigint PRIMARY KEY,
                collection text NOT NULL,
                source text NOT NULL,
                ordinal integer NOT NULL,
                text text NOT NULL,
                indexed_text text NOT NULL,
                chapter text NOT NULL,
                page integer,
                span_start integer,
                span_end integer,
                metadata text NOT NULL,
                vector bytea NOT NULL,
                FOREIGN KEY (collection, source) REFERENCES quarry_documents (collection, source) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX quarry_passages_document ON quarry_passages (collection, source, ordinal)",
            """
            CREATE TABLE quarry_nodes (
                name text PRIMARY KEY,
                applied_seq bigint NOT NULL,
                seen_at timestamptz NOT NULL DEFAULT now()
            )
            """,
        ],
        [
            """
            CREATE TABLE quarry_aliases (
                alias text PRIMARY KEY,
                collection text NOT NULL REFERENCES quarry_collections (name),
                seq bigint NOT NULL
            )
            """
        ],
        [
            "ALTER TABLE quarry_nodes ADD COLUMN url text",
            """
            CREATE TABLE quarry_shards (
                collection text NOT NULL REFERENCES quarry_collections (name) ON DELETE CASCADE,
                shard integer NOT NULL,
                node text NOT NULL,
                PRIMARY KEY (collection, shard, node)
            )
            """,
        ],
        [
            "CREATE SEQUENCE quarry_image_ids",
            """
            CREATE TABLE quarry_images (
                id bigint PRIMARY KEY,
                collection text NOT NULL REFERENCES quarry_collections (name) ON DELETE CASCADE,
                path text NOT NULL,
                content_hash text NOT NULL,
                category text NOT NULL,
                price double precision,
                title text NOT NULL,
                metadata text NOT NULL,
                width integer NOT NULL,
                height integer NOT NULL,
                vector bytea NOT NULL,
                bytes bytea NOT NULL,
                seq bigint NOT NULL,
                UNIQUE (collection, path)
            )
            """,
        ],
    ]

    /// The advisory lock key held while migrating (any constant other tools are unlikely to use).
    static let migrationLock: Int64 = 0x5155_4152_5259_0001

    /// Brings the schema to the latest version; returns the version it found.
    /// - Throws: ``ClusterError/schemaTooNew(found:known:)`` when the database is ahead of this binary.
    @discardableResult
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.query("SELECT pg_advisory_lock(\(migrationLock))", logger: logger)
        do {
            let found = try await migrateLocked(connection, logger: logger)
            try await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
            return found
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
            throw error
        }
    }

    private static func migrateLocked(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.query("CREATE TABLE IF NOT EXISTS quarry_schema (version integer NOT NULL)", logger: logger)
        var found = 0
        for try await version in try await connection.query("SELECT max(version) FROM quarry_schema", logger: logger).decode(Int?.self) {
            found = version ?? 0
        }
        guard found <= migrations.count else { throw ClusterError.schemaTooNew(found: found, known: migrations.count) }
        for (offset, statements) in migrations.enumerated().dropFirst(found) {
            let version = offset + 1
            try await connection.withTransaction(logger: logger) { connection in
                for statement in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO quarry_schema (version) VALUES (\(version))", logger: logger)
            }
            logger.notice("cluster schema migrated", metadata: ["version": "\(version)"])
        }
        return found
    }
}
