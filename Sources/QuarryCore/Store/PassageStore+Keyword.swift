import GRDB

extension PassageStore {
    /// Passages ranked by BM25 over character trigrams of their indexed text
    /// (see ``KeywordQuery``); queries made only of 1–2 character terms fall
    /// back to substring matching, ranked by how many terms a passage contains.
    /// Scores are larger-is-better.
    public func keywordSearch(_ text: String, limit: Int, filter: PassageFilter = .init()) throws(StoreError) -> [(id: Int64, score: Double)] {
        let query = KeywordQuery(text)
        let condition = filter.sqlCondition
        return try read("keyword search") { db in
            if let match = query.matchExpression {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT passages_fts.rowid AS id, -bm25(passages_fts) AS score
                    FROM passages_fts
                    JOIN passages p ON p.id = passages_fts.rowid
                    JOIN documents d ON d.id = p.document_id
                    WHERE passages_fts MATCH ? AND \(condition.sql)
                    ORDER BY bm25(passages_fts) LIMIT ?
                    """, arguments: StatementArguments([match] + condition.arguments) + [limit])
                return rows.map { (id: $0["id"], score: $0["score"]) }
            }
            guard !query.shortTerms.isEmpty else { return [] }
            let hits = query.shortTerms.map { _ in "(instr(p.indexed_text, ?) > 0)" }.joined(separator: " + ")
            let rows = try Row.fetchAll(db, sql: """
                SELECT p.id AS id, (\(hits)) AS score
                FROM passages p JOIN documents d ON d.id = p.document_id
                WHERE score > 0 AND \(condition.sql)
                ORDER BY score DESC, p.id LIMIT ?
                """, arguments: StatementArguments(query.shortTerms + condition.arguments) + [limit])
            return rows.map { (id: $0["id"], score: Double($0["score"] as Int)) }
        }
    }
}
