import Foundation
import Logging
import PostgresNIO
import QuarryCore
import Synchronization

/// Connections to the cluster's primary PostgreSQL. Each operation gets a connection of its own
/// (reused once it is done); a lost connection is dropped, and the operation is retried with
/// backoff on the first listed host that accepts writes — after a failover, the promoted
/// standby — until its patience runs out. An attempt with no answer within its time limit counts
/// as a lost connection: a query sent as its connection closed is never answered.
actor ClusterDatabase {
    let url: ClusterURL
    private let logger: Logger
    private var idle: [PostgresConnection] = []
    private var nextConnectionID = 0
    /// Whether the last attempt to reach the database succeeded.
    private(set) var reachable = true
    /// Why the last attempt failed, while it has.
    private(set) var lastError: String?

    /// Most idle connections kept for reuse.
    private static let keptIdle = 4
    /// How long one attempt of an operation may go unanswered before it is abandoned and retried.
    static let defaultAttemptLimit: Duration = .seconds(10)

    init(url: ClusterURL, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// Runs `body` on a connection of its own, retrying on a fresh connection when the database
    /// is unreachable or read-only (a failover under way), or an attempt went unanswered for
    /// `attemptLimit` (``defaultAttemptLimit`` unless given), until `patience` has passed.
    /// - Throws: ``ClusterError/databaseUnreachable(hosts:lastError:)`` when patience runs out;
    ///   whatever `body` throws that is not a lost connection, unchanged.
    func run<Result: Sendable>(
        _ operation: String, patience: Duration, attemptLimit: Duration = ClusterDatabase.defaultAttemptLimit,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let deadline = ContinuousClock.now + patience
        var delay = Duration.milliseconds(50)
        while true {
            do {
                let result = try await attempt(limit: attemptLimit, body)
                markReachable()
                return result
            } catch {
                guard Self.isRetryable(error) else { throw error }
                let reason = Self.describe(error)
                if reachable { logger.warning("cluster database unreachable", metadata: ["operation": "\(operation)", "error": "\(reason)"]) }
                reachable = false
                lastError = reason
                guard ContinuousClock.now + delay < deadline else {
                    throw ClusterError.databaseUnreachable(hosts: url.description, lastError: reason)
                }
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
    }

    /// One attempt at an operation: a connection checked out (opened when none is idle), `body`
    /// run on it and the connection checked in, or closed when the attempt fails. An attempt
    /// unanswered within `limit` is abandoned and its connection closed, which ends a query still
    /// under way (should its task end later, it keeps only a connection that is still open).
    private func attempt<Result: Sendable>(
        limit: Duration, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let held = Mutex<PostgresConnection?>(nil)
        do {
            return try await TimeLimit.run(limit) {
                let connection = try await self.checkOut()
                held.withLock { $0 = connection }
                do {
                    let result = try await body(connection)
                    await self.checkIn(connection)
                    return result
                } catch {
                    try? await connection.close()
                    throw error
                }
            }
        } catch let exceeded as TimeLimit.Exceeded {
            try? await held.withLock { $0 }?.close()
            throw exceeded
        }
    }

    /// Closes every idle connection.
    func closeAll() async {
        let connections = idle
        idle = []
        for connection in connections { try? await connection.close() }
    }

    private func markReachable() {
        if !reachable { logger.notice("cluster database reachable again") }
        reachable = true
        lastError = nil
    }

    private func checkIn(_ connection: PostgresConnection) {
        if connection.isClosed { return }
        if idle.count < Self.keptIdle {
            idle.append(connection)
        } else {
            Task { try? await connection.close() }
        }
    }

    private func checkOut() async throws -> PostgresConnection {
        while let connection = idle.popLast() {
            if !connection.isClosed { return connection }
        }
        return try await openConnection()
    }

    /// A new connection to the first listed host that answers (and accepts writes, unless the URL says any will do).
    func openConnection() async throws -> PostgresConnection {
        var failures: [String] = []
        for host in url.hosts {
            nextConnectionID += 1
            var configuration = PostgresConnection.Configuration(
                host: host.name, port: host.port, username: url.username, password: url.password, database: url.database, tls: .disable
            )
            configuration.options.connectTimeout = .seconds(2)
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: nextConnectionID, logger: logger)
                if url.requiresWritable {
                    let rows = try await connection.query("SELECT pg_is_in_recovery()", logger: logger)
                    var inRecovery = true
                    for try await isStandby in rows.decode(Bool.self) { inRecovery = isStandby }
                    if inRecovery {
                        try? await connection.close()
                        failures.append("\(host.name):\(host.port) is a standby (read-only)")
                        continue
                    }
                }
                return connection
            } catch {
                failures.append("\(host.name):\(host.port): \(Self.describe(error))")
            }
        }
        throw NoWritableHost(failures: failures)
    }

    /// No listed host took a connection that accepts writes.
    struct NoWritableHost: Error, CustomStringConvertible {
        let failures: [String]
        var description: String { failures.joined(separator: "; ") }
    }

    /// SQLSTATE classes that mean "try again on another connection": connection exceptions (08),
    /// operator intervention such as a shutdown or a server starting up (57), a read-only server
    /// (25006, a standby not yet promoted), and serialization failures and deadlocks (40001, 40P01).
    private static func isRetryableState(_ state: String) -> Bool {
        state.hasPrefix("08") || state.hasPrefix("57") || ["25006", "40001", "40P01"].contains(state)
    }

    static func isRetryable(_ error: any Error) -> Bool {
        switch error {
        case is NoWritableHost, is TimeLimit.Exceeded:
            return true
        case let error as PostgresTransactionError:
            return [error.beginError, error.closureError, error.commitError].contains { $0.map(isRetryable) ?? false }
        case let error as PSQLError:
            guard error.code == .server else { return error.code != .queryCancelled && error.code != .tooManyParameters }
            return error.serverInfo?[.sqlState].map(isRetryableState) ?? false
        default:
            return false
        }
    }

    /// A one-line reason for logs and `/health`.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as PostgresTransactionError:
            let inner = [error.beginError, error.closureError, error.commitError].compactMap { $0 }.first
            return inner.map(describe) ?? "transaction failed"
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] {
                return "\(error.serverInfo?[.sqlState] ?? "?"): \(message)"
            }
            return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        default:
            return "\(error)"
        }
    }
}
