import GRDB

extension PassageStore {
    /// Ids of the passages that pass `filter`, or nil when more than `limit` do.
    public func ids(matching filter: PassageFilter, limit: Int) throws(StoreError) -> [Int64]? {
        let condition = filter.sqlCondition
        let ids = try database.read("filter passages") { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id
                    WHERE \(condition.sql) ORDER BY p.id LIMIT ?
                    """, arguments: StatementArguments(condition.arguments) + [limit + 1])
        }
        return ids.count > limit ? nil : ids
    }

    /// Passages that pass `filter`, ranked by BM25 over the question's ``KeywordTerms``
    /// (character bigrams for Chinese, words otherwise), best first; scores are larger-is-better.
    public func keywordSearch(_ text: String, limit: Int, filter: PassageFilter = .init()) throws(StoreError) -> [(id: Int64, score: Double)] {
        guard let match = KeywordQuery(text).matchExpression else { return [] }
        // Unfiltered, the ranking needs the keyword index alone: no join per matching row.
        let sql: String
        var arguments: StatementArguments = [match]
        if filter.isEmpty {
            sql = """
                SELECT rowid AS id, -bm25(passages_fts) AS score FROM passages_fts
                WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts) LIMIT ?
                """
        } else {
            let condition = filter.sqlCondition
            sql = """
                SELECT passages_fts.rowid AS id, -bm25(passages_fts) AS score
                FROM passages_fts
                JOIN passages p ON p.id = passages_fts.rowid
                JOIN documents d ON d.id = p.document_id
                WHERE passages_fts MATCH ? AND \(condition.sql)
                ORDER BY bm25(passages_fts) LIMIT ?
                """
            arguments += StatementArguments(condition.arguments)
        }
        arguments += [limit]
        return try database.read("keyword search") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { (id: $0["id"], score: $0["score"]) }
        }
    }
}
