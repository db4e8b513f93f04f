import Foundation
import GRDB

extension PassageStore {
    /// The passages with these ids that exist, keyed by id.
    public func passages(ids: [Int64]) throws(StoreError) -> [Int64: StoredPassage] {
        guard !ids.isEmpty else { return [:] }
        return try database.read("read passages") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.id, d.source, p.text, p.chapter, p.page, p.span_start, p.span_end, p.metadata
                    FROM passages p JOIN documents d ON d.id = p.document_id
                    WHERE p.id IN (SELECT value FROM json_each(?))
                    """, arguments: [VectorTable.jsonArray(ids)])
            var passages: [Int64: StoredPassage] = [:]
            for row in rows {
                let start: Int? = row["span_start"]
                let end: Int? = row["span_end"]
                let passage = StoredPassage(
                    id: row["id"], source: row["source"], text: row["text"], chapter: row["chapter"], page: row["page"],
                    span: start.flatMap { start in end.map { start..<max(start, $0) } },
                    metadata: JSONValue.decodeObject(row["metadata"])
                )
                passages[passage.id] = passage
            }
            return passages
        }
    }

    /// The text each passage of `ids` is searched by (its indexed text), for those that exist, by id.
    public func indexedTexts(ids: [Int64]) throws(StoreError) -> [(id: Int64, text: String)] {
        guard !ids.isEmpty else { return [] }
        return try database.read("read indexed texts") { db in
            try Row.fetchAll(
                db, sql: "SELECT id, indexed_text FROM passages WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                arguments: [VectorTable.jsonArray(ids)]
            ).map { (id: $0["id"], text: $0["indexed_text"]) }
        }
    }

    /// Number of stored passages (= vectors).
    public func passageCount() throws(StoreError) -> Int {
        try vectors.count()
    }

    /// Number of stored documents.
    public func documentCount() throws(StoreError) -> Int {
        try database.read("count documents") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM documents") ?? 0 }
    }
}
