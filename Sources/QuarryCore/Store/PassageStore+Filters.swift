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
}
