import Logging
import PostgresNIO
import Synchronization
import Testing

@testable import QuarryCluster

/// Connections to a real PostgreSQL 15 started for each test.
@Suite(.serialized) struct ClusterDatabaseTests {
    let logger = Logger(label: "cluster-database-test")

    /// A query written to a connection that has just closed is never answered by PostgresNIO:
    /// what a node's pooled connection meets when the primary dies as it is checked out. The
    /// attempt is abandoned at its time limit and the operation retried on a fresh connection.
    @Test func aQuerySentOnAConnectionThatJustClosedIsRetriedOnAFreshOne() async throws {
        let postgres = try TestPostgres()
        defer { postgres.stop() }
        let database = ClusterDatabase(url: postgres.url, logger: logger)
        let attempts = Mutex(0)
        // Patience to spare: with every suite running at once, a retry may wait long for a thread.
        let answer = try await database.run("read one", patience: .seconds(600), attemptLimit: .seconds(2)) { connection in
            if attempts.withLock({ count in
                defer { count += 1 }
                return count == 0
            }) {
                try await connection.close()
            }
            for try await value in try await connection.query("SELECT 7", logger: logger).decode(Int.self) { return value }
            return 0
        }
        #expect(answer == 7)
        #expect(attempts.withLock { $0 } >= 2)
        await database.closeAll()
    }
}
