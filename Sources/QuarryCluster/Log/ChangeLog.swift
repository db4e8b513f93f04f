import Foundation
import Logging
import PostgresNIO
import QuarryCore

/// The statements behind cluster writes and the change log: one transaction per write (rows
/// plus a log entry), and the reads a node needs to apply an entry.
enum ChangeLog {
    /// The PostgreSQL channel a commit notifies, with the new sequence number as payload.
    static let channel = "quarry_changes"
    /// A node that reported within this long counts as alive: it may be given shards, and
    /// queries try it before the others holding a shard.
    static let nodeLiveness: Duration = .seconds(15)

    /// What an entry did; its `key` is the document's source for document operations, the
    /// alias for alias operations (whose `collection` is the collection it names or named), the
    /// image's path for `store_image`, the item's id for `delete_item`.
    enum Operation: String, Sendable {
        case createCollection = "create_collection"
        case deleteCollection = "delete_collection"
        case storeDocument = "store_document"
        case deleteDocument = "delete_document"
        case setAlias = "set_alias"
        case removeAlias = "remove_alias"
        case storeImage = "store_image"
        case deleteItem = "delete_item"
    }

    /// One entry of the change log.
    struct Entry: Sendable, Equatable {
        let sequence: Int64
        let collection: String
        let operation: Operation
        let key: String
    }

    /// Thrown inside a write's transaction when the write changes nothing, so that it rolls back
    /// (giving back its sequence number) and is answered without a log entry.
    private struct Unchanged: Error {
        /// For an alias set again to the collection it names, that collection.
        var previousTarget: String?
    }

    /// The rows a write wrote: its log entry's collection, operation and key, and what its answer reports.
    private struct Written {
        let collection: String
        let operation: Operation
        let key: String
        var passages = 0
        var previousTarget: String?
        var itemID: Int64?
    }

    /// Commits `write` in one transaction: the next sequence number, the rows, the log entry and
    /// a notification. Writes are serialised by the log head's row lock, so sequence numbers
    /// commit in order with no gaps.
    static func commit(_ write: ReplicatedWrite, node: String, on connection: PostgresConnection, logger: Logger) async throws -> CommittedWrite {
        do {
            return try await connection.withTransaction(logger: logger) { connection in
                let sequence = try await nextSequence(connection, logger: logger)
                let written = try await writeRows(write, sequence: sequence, connection, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO quarry_changes (seq, collection, operation, key, node)
                    VALUES (\(sequence), \(written.collection), \(written.operation.rawValue), \(written.key), \(node))
                    """, logger: logger)
                try await connection.query("SELECT pg_notify(\(channel), \(String(sequence)))", logger: logger)
                return CommittedWrite(
                    sequence: sequence, passages: written.passages, previousTarget: written.previousTarget, itemID: written.itemID)
            }
        } catch let error as PostgresTransactionError {
            if let unchanged = error.closureError as? Unchanged {
                return CommittedWrite(sequence: nil, previousTarget: unchanged.previousTarget)
            }
            if let refusal = error.closureError as? CollectionError { throw refusal }
            throw error
        }
    }

    private static func nextSequence(_ connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        let rows = try await connection.query("UPDATE quarry_log_head SET last_seq = last_seq + 1 RETURNING last_seq", logger: logger)
        for try await sequence in rows.decode(Int64.self) { return sequence }
        throw ClusterError.statementFailed(operation: "next sequence number", reason: "quarry_log_head has no row")
    }

    /// Writes the rows of `write`.
    /// - Throws: ``CollectionError`` refusals; `Unchanged` when there is nothing to write.
    private static func writeRows(
        _ write: ReplicatedWrite, sequence: Int64, _ connection: PostgresConnection, logger: Logger
    ) async throws -> Written {
        switch write {
        case .createCollection(let name, let specification):
            if let existing = try await storedSpecification(name, connection, logger: logger) {
                guard existing == specification else { throw CollectionError.alreadyExists(name) }
                throw Unchanged()
            }
            guard try await aliasTarget(name, connection, logger: logger) == nil else { throw CollectionError.alreadyExists(name) }
            try await connection.query(
                """
                INSERT INTO quarry_collections (name, specification, seq)
                VALUES (\(name), \(try specificationJSON(specification)), \(sequence))
                """, logger: logger)
            if let sharding = specification.sharding {
                try await assignShards(of: name, sharding, connection, logger: logger)
            }
            return Written(collection: name, operation: .createCollection, key: "")
        case .deleteCollection(let name):
            let naming = try await aliases(of: name, connection, logger: logger)
            guard naming.isEmpty else { throw CollectionError.aliased(name: name, aliases: naming) }
            let deleted = try await connection.query("DELETE FROM quarry_collections WHERE name = \(name) RETURNING name", logger: logger)
            var found = false
            for try await _ in deleted.decode(String.self) { found = true }
            guard found else { throw CollectionError.notFound(name) }
            return Written(collection: name, operation: .deleteCollection, key: "")
        case .storeDocument(let collection, let document):
            try await requireCollection(collection, connection, logger: logger)
            let hashes = try await connection.query(
                """
                SELECT content_hash FROM quarry_documents WHERE collection = \(collection) AND source = \(document.source)
                """, logger: logger)
            for try await hash in hashes.decode(String.self) where hash == document.contentHash {
                throw Unchanged()
            }
            try await connection.query(
                """
                INSERT INTO quarry_documents (collection, source, content_hash, metadata, seq)
                VALUES (\(collection), \(document.source), \(document.contentHash), \(JSONValue.encodeObject(document.metadata)), \(sequence))
                ON CONFLICT (collection, source) DO UPDATE
                SET content_hash = excluded.content_hash, metadata = excluded.metadata, seq = excluded.seq
                """, logger: logger)
            try await connection.query(
                """
                DELETE FROM quarry_passages WHERE collection = \(collection) AND source = \(document.source)
                """, logger: logger)
            for (ordinal, passage) in document.passages.enumerated() {
                try await connection.query(
                    """
                    INSERT INTO quarry_passages (id, collection, source, ordinal, text, indexed_text, chapter, page,
                                                 span_start, span_end, metadata, vector)
                    VALUES (nextval('quarry_passage_ids'), \(collection), \(document.source), \(ordinal), \(passage.text),
                            \(passage.indexedText), \(passage.chapter), \(passage.page), \(passage.span?.lowerBound),
                            \(passage.span?.upperBound), \(JSONValue.encodeObject(passage.metadata)), \(VectorCoding.encode(passage.vector)))
                    """, logger: logger)
            }
            return Written(collection: collection, operation: .storeDocument, key: document.source, passages: document.passages.count)
        case .deleteDocument(let collection, let source):
            try await requireCollection(collection, connection, logger: logger)
            let removed = try await connection.query(
                """
                SELECT count(*) FROM quarry_passages WHERE collection = \(collection) AND source = \(source)
                """, logger: logger)
            var passages = 0
            for try await count in removed.decode(Int.self) { passages = count }
            let deleted = try await connection.query(
                """
                DELETE FROM quarry_documents WHERE collection = \(collection) AND source = \(source) RETURNING source
                """, logger: logger)
            var found = false
            for try await _ in deleted.decode(String.self) { found = true }
            guard found else { throw Unchanged() }
            return Written(collection: collection, operation: .deleteDocument, key: source, passages: passages)
        case .setAlias(let alias, let collection):
            guard try await storedSpecification(alias, connection, logger: logger) == nil else { throw CollectionError.alreadyExists(alias) }
            try await requireCollection(collection, connection, logger: logger)
            let previous = try await aliasTarget(alias, connection, logger: logger)
            guard previous != collection else { throw Unchanged(previousTarget: previous) }
            try await connection.query(
                """
                INSERT INTO quarry_aliases (alias, collection, seq) VALUES (\(alias), \(collection), \(sequence))
                ON CONFLICT (alias) DO UPDATE SET collection = excluded.collection, seq = excluded.seq
                """, logger: logger)
            return Written(collection: collection, operation: .setAlias, key: alias, previousTarget: previous)
        case .removeAlias(let alias):
            let removed = try await connection.query("DELETE FROM quarry_aliases WHERE alias = \(alias) RETURNING collection", logger: logger)
            var previous: String?
            for try await collection in removed.decode(String.self) { previous = collection }
            guard let previous else { throw Unchanged() }
            return Written(collection: previous, operation: .removeAlias, key: alias, previousTarget: previous)
        case .storeImage(let collection, let embedded):
            let specification = try await storedSpecification(collection, connection, logger: logger)
            guard let specification else { throw CollectionError.notFound(collection) }
            guard specification.kind == .image else {
                throw CollectionError.wrongKind(name: collection, expected: .image, actual: specification.kind)
            }
            let image = embedded.image
            let hashes = try await connection.query(
                "SELECT content_hash FROM quarry_images WHERE collection = \(collection) AND path = \(image.path)", logger: logger)
            for try await hash in hashes.decode(String.self) where hash == image.contentHash {
                throw Unchanged()
            }
            try await connection.query("DELETE FROM quarry_images WHERE collection = \(collection) AND path = \(image.path)", logger: logger)
            let inserted = try await connection.query(
                """
                INSERT INTO quarry_images (id, collection, path, content_hash, category, price, title, metadata, width, height,
                                           vector, bytes, seq)
                VALUES (nextval('quarry_image_ids'), \(collection), \(image.path), \(image.contentHash), \(image.category),
                        \(image.price), \(image.title), \(JSONValue.encodeObject(image.metadata)), \(image.width), \(image.height),
                        \(VectorCoding.encode(image.vector)), \(embedded.data), \(sequence))
                RETURNING id
                """, logger: logger)
            var id: Int64?
            for try await stored in inserted.decode(Int64.self) { id = stored }
            return Written(collection: collection, operation: .storeImage, key: image.path, itemID: id)
        case .deleteItem(let collection, let id):
            try await requireCollection(collection, connection, logger: logger)
            var removed = 0
            let passages = try await connection.query(
                "DELETE FROM quarry_passages WHERE collection = \(collection) AND id = \(id) RETURNING id", logger: logger)
            for try await _ in passages.decode(Int64.self) { removed += 1 }
            let images = try await connection.query(
                "DELETE FROM quarry_images WHERE collection = \(collection) AND id = \(id) RETURNING id", logger: logger)
            for try await _ in images.decode(Int64.self) { removed += 1 }
            guard removed > 0 else { throw Unchanged() }
            return Written(collection: collection, operation: .deleteItem, key: String(id), passages: removed)
        }
    }

    /// Writes the shard map of new collection `name`: its shards spread over the live nodes.
    /// - Throws: ``CollectionError/invalidSetting(_:)`` when no node is alive to hold them.
    private static func assignShards(of name: String, _ sharding: ShardLayout, _ connection: PostgresConnection, logger: Logger) async throws {
        var nodes: [String] = []
        let rows = try await connection.query(
            """
            SELECT name FROM quarry_nodes
            WHERE url IS NOT NULL AND seen_at > now() - make_interval(secs => \(Int(nodeLiveness.components.seconds)))
            ORDER BY name
            """, logger: logger)
        for try await node in rows.decode(String.self) { nodes.append(node) }
        guard !nodes.isEmpty else {
            throw CollectionError.invalidSetting("no cluster node is alive to hold the shards of \"\(name)\": start the nodes first")
        }
        for (shard, holders) in sharding.assignment(to: nodes) {
            for node in holders {
                try await connection.query(
                    "INSERT INTO quarry_shards (collection, shard, node) VALUES (\(name), \(shard), \(node))", logger: logger)
            }
        }
    }

    /// The collection `alias` names, if it is an alias; read inside the caller's transaction.
    private static func aliasTarget(_ alias: String, _ connection: PostgresConnection, logger: Logger) async throws -> String? {
        let rows = try await connection.query("SELECT collection FROM quarry_aliases WHERE alias = \(alias)", logger: logger)
        for try await collection in rows.decode(String.self) { return collection }
        return nil
    }

    /// The aliases that name `collection`, sorted.
    private static func aliases(of collection: String, _ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var naming: [String] = []
        let rows = try await connection.query(
            "SELECT alias FROM quarry_aliases WHERE collection = \(collection) ORDER BY alias", logger: logger)
        for try await alias in rows.decode(String.self) { naming.append(alias) }
        return naming
    }

    /// `specification` as the JSON text `quarry_collections.specification` holds.
    private static func specificationJSON(_ specification: CollectionSpecification) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(specification), as: UTF8.self)
    }

    private static func requireCollection(_ name: String, _ connection: PostgresConnection, logger: Logger) async throws {
        guard try await storedSpecification(name, connection, logger: logger) != nil else { throw CollectionError.notFound(name) }
    }

    /// The specification of collection `name`, if it exists; read inside the caller's transaction when there is one.
    static func storedSpecification(
        _ name: String, _ connection: PostgresConnection, logger: Logger
    ) async throws -> CollectionSpecification? {
        let rows = try await connection.query("SELECT specification FROM quarry_collections WHERE name = \(name)", logger: logger)
        for try await json in rows.decode(String.self) { return try JSONDecoder().decode(CollectionSpecification.self, from: Data(json.utf8)) }
        return nil
    }

    // MARK: Reading the log

    /// Up to `limit` entries after `sequence`, in order.
    static func entries(after sequence: Int64, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Entry] {
        let rows = try await connection.query(
            """
            SELECT seq, collection, operation, key FROM quarry_changes WHERE seq > \(sequence) ORDER BY seq LIMIT \(limit)
            """, logger: logger)
        var entries: [Entry] = []
        for try await (seq, collection, operation, key) in rows.decode((Int64, String, String, String).self) {
            guard let operation = Operation(rawValue: operation) else {
                throw ClusterError.statementFailed(operation: "read change \(seq)", reason: "unknown operation \"\(operation)\"")
            }
            entries.append(Entry(sequence: seq, collection: collection, operation: operation, key: key))
        }
        return entries
    }

    /// The last sequence number handed out.
    static func latestSequence(on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        for try await sequence in try await connection.query("SELECT last_seq FROM quarry_log_head", logger: logger).decode(Int64.self) {
            return sequence
        }
        return 0
    }

    /// The specification of collection `name` if the entry of `sequence` created it and it still exists.
    static func createdCollection(
        _ name: String, sequence: Int64, on connection: PostgresConnection, logger: Logger
    ) async throws -> CollectionSpecification? {
        let rows = try await connection.query(
            """
            SELECT specification FROM quarry_collections WHERE name = \(name) AND seq = \(sequence)
            """, logger: logger)
        for try await json in rows.decode(String.self) { return try JSONDecoder().decode(CollectionSpecification.self, from: Data(json.utf8)) }
        return nil
    }

    /// The collection alias `alias` names if the entry of `sequence` set it and no later one changed it.
    static func aliasSet(_ alias: String, sequence: Int64, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        let rows = try await connection.query(
            "SELECT collection FROM quarry_aliases WHERE alias = \(alias) AND seq = \(sequence)", logger: logger)
        for try await collection in rows.decode(String.self) { return collection }
        return nil
    }

    /// Document `source` of `collection` as the entry of `sequence` stored it, with its passages'
    /// ids and vectors; nil when a later write replaced or deleted it (a later entry carries that).
    static func storedDocument(
        collection: String, source: String, sequence: Int64, on connection: PostgresConnection, logger: Logger
    ) async throws -> EmbeddedDocument? {
        try await connection.withTransaction(logger: logger) { connection in
            try await useOneSnapshot(connection, logger: logger)
            return try await document(collection: collection, source: source, sequence: sequence, on: connection, logger: logger)
        }
    }

    /// Makes the rest of the transaction read one snapshot (a document with its passages, a whole bootstrap).
    static func useOneSnapshot(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
    }

    /// Document `source` of `collection` with its passages, if it is stored (by the entry of
    /// `sequence`, when one is given); read inside the caller's transaction.
    static func document(
        collection: String, source: String, sequence: Int64?, on connection: PostgresConnection, logger: Logger
    ) async throws -> EmbeddedDocument? {
        let documents = try await connection.query(
            """
            SELECT content_hash, metadata, seq FROM quarry_documents WHERE collection = \(collection) AND source = \(source)
            """, logger: logger)
        var header: (String, String)?
        for try await (contentHash, metadata, storedBy) in documents.decode((String, String, Int64).self)
        where sequence == nil || storedBy == sequence {
            header = (contentHash, metadata)
        }
        guard let (contentHash, metadata) = header else { return nil }
        let rows = try await connection.query(
            """
            SELECT id, text, indexed_text, chapter, page, span_start, span_end, metadata, vector
            FROM quarry_passages WHERE collection = \(collection) AND source = \(source) ORDER BY ordinal
            """, logger: logger)
        var passages: [NewPassage] = []
        for try await (id, text, indexedText, chapter, page, start, end, passageMetadata, blob)
            in rows.decode((Int64, String, String, String, Int?, Int?, Int?, String, Data).self)
        {
            var vector: [Float] = []
            guard VectorCoding.decode(blob, dimension: blob.count / 4, into: &vector) else {
                throw ClusterError.statementFailed(operation: "read passage \(id)", reason: "vector of \(blob.count) bytes")
            }
            passages.append(
                NewPassage(
                    TextDocument.Passage(
                        text: text, indexedText: indexedText, chapter: chapter, page: page,
                        span: start.flatMap { start in end.map { start..<max(start, $0) } }, metadata: JSONValue.decodeObject(passageMetadata)
                    ), vector: vector, id: id
                ))
        }
        return EmbeddedDocument(source: source, contentHash: contentHash, metadata: JSONValue.decodeObject(metadata), passages: passages)
    }

    /// Image `path` of `collection` as the entry of `sequence` stored it, with its id, vector and
    /// file; nil when a later write replaced or deleted it (a later entry carries that).
    static func storedImage(
        collection: String, path: String, sequence: Int64, on connection: PostgresConnection, logger: Logger
    ) async throws -> EmbeddedImage? {
        try await images(
            connection.query(
                """
                SELECT id, path, content_hash, category, price, title, metadata, width, height, vector, bytes
                FROM quarry_images WHERE collection = \(collection) AND path = \(path) AND seq = \(sequence)
                """, logger: logger)
        ).first
    }

    /// The images of `collection` with the given ids; read inside the caller's transaction.
    static func images(collection: String, ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> [EmbeddedImage] {
        try await images(
            connection.query(
                """
                SELECT id, path, content_hash, category, price, title, metadata, width, height, vector, bytes
                FROM quarry_images WHERE collection = \(collection) AND id = ANY(\(ids)) ORDER BY id
                """, logger: logger))
    }

    /// The images of rows of `id, path, content_hash, category, price, title, metadata, width, height, vector, bytes`.
    private static func images(_ rows: PostgresRowSequence) async throws -> [EmbeddedImage] {
        var images: [EmbeddedImage] = []
        for try await (id, path, contentHash, category, price, title, metadata, width, height, blob, bytes)
            in rows.decode((Int64, String, String, String, Double?, String, String, Int, Int, Data, Data).self)
        {
            var vector: [Float] = []
            guard VectorCoding.decode(blob, dimension: blob.count / 4, into: &vector) else {
                throw ClusterError.statementFailed(operation: "read image \(id)", reason: "vector of \(blob.count) bytes")
            }
            images.append(
                EmbeddedImage(
                    image: NewImage(
                        path: path, category: category, price: price, title: title, metadata: JSONValue.decodeObject(metadata), width: width,
                        height: height, contentHash: contentHash, vector: vector, id: id),
                    data: bytes))
        }
        return images
    }

    /// The documents of `collection` that the passages `ids` belong to.
    static func sources(ofPassages ids: [Int64], collection: String, on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var sources = Set<String>()
        let rows = try await connection.query(
            "SELECT DISTINCT source FROM quarry_passages WHERE collection = \(collection) AND id = ANY(\(ids))", logger: logger)
        for try await source in rows.decode(String.self) { sources.insert(source) }
        return sources
    }

    /// The ids of every item (passage or image) of `collection`.
    static func itemIDs(collection: String, on connection: PostgresConnection, logger: Logger) async throws -> Set<Int64> {
        var ids = Set<Int64>()
        let rows = try await connection.query(
            """
            SELECT id FROM quarry_passages WHERE collection = \(collection)
            UNION ALL SELECT id FROM quarry_images WHERE collection = \(collection)
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { ids.insert(id) }
        return ids
    }

    // MARK: Snapshots and pruning

    /// The last sequence number handed out, and the oldest entry still in the log (nil when it is empty).
    static func bounds(on connection: PostgresConnection, logger: Logger) async throws -> (latest: Int64, oldest: Int64?) {
        let rows = try await connection.query(
            "SELECT last_seq, (SELECT min(seq) FROM quarry_changes) FROM quarry_log_head", logger: logger
        )
        for try await (latest, oldest) in rows.decode((Int64, Int64?).self) { return (latest, oldest) }
        return (0, nil)
    }

    /// Every collection with its specification.
    static func collections(on connection: PostgresConnection, logger: Logger) async throws -> [String: CollectionSpecification] {
        try await dictionary("SELECT name, specification FROM quarry_collections", on: connection, logger: logger).mapValues { json in
            try JSONDecoder().decode(CollectionSpecification.self, from: Data(json.utf8))
        }
    }

    /// Every alias with the collection it names.
    static func aliasTargets(on connection: PostgresConnection, logger: Logger) async throws -> [String: String] {
        try await dictionary("SELECT alias, collection FROM quarry_aliases", on: connection, logger: logger)
    }

    /// The content hash of every document of `collection`, by source.
    static func documentHashes(collection: String, on connection: PostgresConnection, logger: Logger) async throws -> [String: String] {
        try await dictionary(
            "SELECT source, content_hash FROM quarry_documents WHERE collection = \(collection)", on: connection, logger: logger)
    }

    /// The rows of a query of two text columns, the first column's values as keys.
    private static func dictionary(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> [String: String] {
        var rows: [String: String] = [:]
        for try await (key, value) in try await connection.query(query, logger: logger).decode((String, String).self) {
            rows[key] = value
        }
        return rows
    }

    /// Deletes the entries that every node seen within `retention` has applied; returns how many.
    /// A node away longer, or a new one, bootstraps from the rows instead.
    static func prune(retention: Duration, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let seconds = Int(retention.components.seconds)
        let rows = try await connection.query(
            """
            WITH horizon AS (
                SELECT min(applied_seq) AS seq FROM quarry_nodes WHERE seen_at > now() - make_interval(secs => \(seconds))
            )
            DELETE FROM quarry_changes WHERE seq <= (SELECT seq FROM horizon) RETURNING seq
            """, logger: logger)
        var deleted = 0
        for try await _ in rows.decode(Int64.self) { deleted += 1 }
        return deleted
    }

    /// Records how far `node` has applied the log, and where it answers HTTP when it says.
    static func report(node: String, applied: Int64, url: String?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO quarry_nodes (name, applied_seq, seen_at, url) VALUES (\(node), \(applied), now(), \(url))
            ON CONFLICT (name) DO UPDATE
            SET applied_seq = excluded.applied_seq, seen_at = excluded.seen_at, url = coalesce(excluded.url, quarry_nodes.url)
            """, logger: logger)
    }

    // MARK: The shard map

    /// One node holding one shard.
    struct ShardHolder: Sendable, Equatable {
        let shard: Int
        let node: String
        /// Where the node answers HTTP; nil when it never said.
        let url: String?
        /// Whether the node reported within ``nodeLiveness``.
        let isLive: Bool
    }

    /// The shards `node` holds of `collection`, sorted.
    static func heldShards(of collection: String, node: String, on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        var shards: [Int] = []
        let rows = try await connection.query(
            "SELECT shard FROM quarry_shards WHERE collection = \(collection) AND node = \(node) ORDER BY shard", logger: logger)
        for try await shard in rows.decode(Int.self) { shards.append(shard) }
        return shards
    }

    /// Every holder of every shard of `collection`.
    static func shardHolders(of collection: String, on connection: PostgresConnection, logger: Logger) async throws -> [ShardHolder] {
        var holders: [ShardHolder] = []
        let rows = try await connection.query(
            """
            SELECT s.shard, s.node, n.url,
                   coalesce(n.seen_at > now() - make_interval(secs => \(Int(nodeLiveness.components.seconds))), false)
            FROM quarry_shards s LEFT JOIN quarry_nodes n ON n.name = s.node
            WHERE s.collection = \(collection) ORDER BY s.shard, s.node
            """, logger: logger)
        for try await (shard, node, url, isLive) in rows.decode((Int, String, String?, Bool).self) {
            holders.append(ShardHolder(shard: shard, node: node, url: url, isLive: isLive))
        }
        return holders
    }
}
