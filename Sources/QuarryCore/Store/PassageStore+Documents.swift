import Foundation
import GRDB

extension PassageStore {
    /// Content hash recorded for `source`, or nil when the document is not stored.
    public func contentHash(of source: String) throws(StoreError) -> String? {
        try database.read("read document") { db in
            try String.fetchOne(db, sql: "SELECT content_hash FROM documents WHERE source = ?", arguments: [source])
        }
    }

    /// Stores `passages` as the whole content of document `source`, replacing
    /// what it had, in one transaction. A passage whose text the same document
    /// already holds is skipped; other documents' passages never affect it.
    public func replaceDocument(
        source: String, contentHash: String, metadata: [String: JSONValue] = [:], passages: [NewPassage]
    ) throws(StoreError) -> StoreChange {
        for passage in passages { try checkDimension(of: passage.vector, storing: source) }
        return try database.write("store \(source)") { db in
            var change = StoreChange()
            change.removedIDs = try removeDocument(source: source, db)
            try db.execute(
                sql: "INSERT INTO documents (source, content_hash, ingested_at, metadata) VALUES (?, ?, ?, ?)",
                arguments: [source, contentHash, Date().timeIntervalSince1970, JSONValue.encodeObject(metadata)]
            )
            let documentID = db.lastInsertedRowID
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO passages (id, document_id, ordinal, text, indexed_text, chapter, page, span_start, span_end,
                                          text_hash, metadata, vector)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(document_id, text_hash) DO NOTHING
                    """)
            for (ordinal, passage) in passages.enumerated() {
                try insert.execute(arguments: [
                    passage.id, documentID, ordinal, passage.text, passage.indexedText, passage.chapter, passage.page,
                    passage.span?.lowerBound, passage.span?.upperBound, ContentHash.sha256(passage.text),
                    JSONValue.encodeObject(passage.metadata), VectorCoding.encode(passage.vector),
                ])
                if db.changesCount == 0 {
                    change.duplicatesSkipped += 1
                } else {
                    change.addedIDs.append(db.lastInsertedRowID)
                    change.addedVectors.append(contentsOf: passage.vector)
                }
            }
            return change
        }
    }

    /// Deletes document `source` and its passages; returns the deleted passage ids.
    @discardableResult
    public func deleteDocument(source: String) throws(StoreError) -> [Int64] {
        try database.write("delete \(source)") { db in try removeDocument(source: source, db) }
    }

    /// Deletes passages by id; returns the ids that existed.
    /// Their documents count as changed, so the next ingest of the same file stores it again;
    /// a document left without passages is removed.
    @discardableResult
    public func deletePassages(ids: [Int64]) throws(StoreError) -> [Int64] {
        try database.write("delete passages") { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, document_id FROM passages WHERE id IN (SELECT value FROM json_each(?))",
                arguments: [VectorTable.jsonArray(ids)]
            )
            let existing: [Int64] = rows.map { $0["id"] }
            let list = VectorTable.jsonArray(existing)
            let documents = VectorTable.jsonArray(Array(Set(rows.map { $0["document_id"] as Int64 })))
            try db.execute(sql: "DELETE FROM passages WHERE id IN (SELECT value FROM json_each(?))", arguments: [list])
            // A document that lost passages no longer matches its file: the next ingest of the
            // same file stores it again. One left without passages is gone.
            try db.execute(sql: "UPDATE documents SET content_hash = '' WHERE id IN (SELECT value FROM json_each(?))", arguments: [documents])
            try db.execute(
                sql: """
                    DELETE FROM documents WHERE id IN (SELECT value FROM json_each(?))
                        AND NOT EXISTS (SELECT 1 FROM passages WHERE passages.document_id = documents.id)
                    """, arguments: [documents])
            return existing
        }
    }

    /// Sources of every stored document, sorted.
    public func sources() throws(StoreError) -> [String] {
        try database.read("list documents") { db in
            try String.fetchAll(db, sql: "SELECT source FROM documents ORDER BY source")
        }
    }

    private func removeDocument(source: String, _ db: Database) throws -> [Int64] {
        guard let documentID = try Int64.fetchOne(db, sql: "SELECT id FROM documents WHERE source = ?", arguments: [source]) else {
            return []
        }
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM passages WHERE document_id = ?", arguments: [documentID])
        try db.execute(sql: "DELETE FROM passages WHERE document_id = ?", arguments: [documentID])
        try db.execute(sql: "DELETE FROM documents WHERE id = ?", arguments: [documentID])
        return ids
    }
}

/// A vector whose length differs from the collection's dimension.
public struct EmbeddingDimensionMismatch: Error, CustomStringConvertible, Sendable {
    public let expected: Int
    public let actual: Int
    public var description: String { "vector has \(actual) components, the collection expects \(expected)" }
}
