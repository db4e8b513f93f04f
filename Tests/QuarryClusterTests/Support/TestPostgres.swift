import Foundation
import QuarryCore

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL 15 server (Debian's `postgresql-15`) in a folder of its own, on a free
/// loopback port, with a database `quarry` that user `quarry` may use without a password.
/// PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user.
final class TestPostgres: @unchecked Sendable {
    let folder: URL
    let port: Int

    static let binaries = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin")

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-pg-\(UUID().uuidString)")
        port = Int.random(in: 20_000...60_000)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.run("/bin/chmod", ["755", folder.path])
        if getuid() == 0 { try Self.run("/bin/chown", ["postgres:postgres", folder.path]) }
        let data = folder.appendingPathComponent("data").path
        try asPostgres("initdb", ["-D", data, "-U", "quarry", "--auth=trust", "--no-sync"])
        let settings = "port = \(port)\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '\(folder.path)'\nfsync = off\n"
        let conf = try FileHandle(forWritingTo: URL(fileURLWithPath: data).appendingPathComponent("postgresql.conf"))
        conf.seekToEndOfFile()
        conf.write(Data(settings.utf8))
        try conf.close()
        try asPostgres("pg_ctl", ["-D", data, "-l", folder.appendingPathComponent("log").path, "-w", "start"])
        try Self.run("/usr/bin/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "quarry", "-d", "postgres", "-qc", "CREATE DATABASE quarry"])
    }

    var url: ClusterURL {
        // A literal URL of this shape always parses.
        try! ClusterURL("postgresql://quarry@127.0.0.1:\(port)/quarry")
    }

    /// The rows `sql` returns, one line each, fields separated by `|`.
    func query(_ sql: String) throws -> [String] {
        try Self.run("/usr/bin/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "quarry", "-d", "quarry", "-Atc", sql])
            .split(separator: "\n").map(String.init)
    }

    func stop() {
        _ = try? asPostgres("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(at: folder)
    }

    @discardableResult
    private func asPostgres(_ program: String, _ arguments: [String]) throws -> String {
        let path = Self.binaries.appendingPathComponent(program).path
        if getuid() == 0 { return try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments) }
        return try Self.run(path, arguments)
    }

    /// Runs `program` and waits for it with `posix_spawn` and `waitpid`, its output going to a file
    /// (not a pipe, which the server pg_ctl starts would keep open; Foundation's `Process` also
    /// missed the exit of `runuser` here).
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-pg-output-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "\(program): posix_spawn failed with \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self)
        let exitedCleanly = (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
        guard exitedCleanly else {
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")) ended with status \(status): \(text)")
        }
        return text
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }
}
