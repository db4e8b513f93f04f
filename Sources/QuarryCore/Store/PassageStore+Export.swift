import Foundation
import GRDB

extension PassageStore {
    /// A stored document with its passages and their vectors, as they would be stored again.
    /// Every stored document with its passages (in order) and their vectors, one at a time.
    public func forEachDocument(_ body: (EmbeddedDocument) throws -> Void) throws {
        for source in try sources() {
            guard let document = try exportedDocument(source: source) else { continue }
            try body(document)
        }
    }

    private func exportedDocument(source: String) throws(StoreError) -> EmbeddedDocument? {
        try database.read("export \(source)") { db in
            guard
                let document = try Row.fetchOne(
                    db, sql: "SELECT id, content_hash, metadata FROM documents WHERE source = ?", arguments: [source]
                )
            else { return nil }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT text, indexed_text, chapter, page, span_start, span_end, metadata, vector
                    FROM passages WHERE document_id = ? ORDER BY ordinal
                    """, arguments: [document["id"] as Int64])
            let passages = try rows.map { row in
                var vector: [Float] = []
                let blob: Data = row["vector"]
                guard VectorCoding.decode(blob, dimension: dimension, into: &vector) else {
                    throw EmbeddingDimensionMismatch(expected: dimension, actual: blob.count / 4)
                }
                let start: Int? = row["span_start"]
                let end: Int? = row["span_end"]
                let content = TextDocument.Passage(
                    text: row["text"], indexedText: row["indexed_text"], chapter: row["chapter"], page: row["page"],
                    span: start.flatMap { start in end.map { start..<max(start, $0) } }, metadata: JSONValue.decodeObject(row["metadata"])
                )
                return NewPassage(content, vector: vector)
            }
            return EmbeddedDocument(
                source: source, contentHash: document["content_hash"], metadata: JSONValue.decodeObject(document["metadata"]),
                passages: passages
            )
        }
    }
}
