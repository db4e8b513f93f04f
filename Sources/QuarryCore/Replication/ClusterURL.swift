import Foundation

/// Where the cluster's PostgreSQL is: a libpq-style URL that may list several hosts,
/// `postgresql://user:password@host1:5432,host2:5433/database?target_session_attrs=read-write`.
/// Quarry connects to the first listed host that accepts writes (the primary), so after a
/// failover the promoted standby is found without changing the URL.
public struct ClusterURL: Sendable, Equatable, CustomStringConvertible {
    /// One PostgreSQL server of the URL.
    public struct Host: Sendable, Equatable {
        public let name: String
        public let port: Int
    }

    public let hosts: [Host]
    public let username: String
    public let password: String?
    public let database: String
    /// Whether connections must accept writes (`target_session_attrs=read-write`, the default
    /// Quarry uses for every connection) or may be any server (`any`).
    public let requiresWritable: Bool

    /// Parses `text`.
    /// - Throws: ``InvalidClusterURL``.
    public init(_ text: String) throws(InvalidClusterURL) {
        let schemes = ["postgresql://", "postgres://"]
        guard let scheme = schemes.first(where: { text.hasPrefix($0) }) else {
            throw InvalidClusterURL(url: Self.redacted(text), reason: "it must start with postgresql://")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
        }
        var credentials: Substring = ""
        if let at = rest.lastIndex(of: "@") {
            credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        let user = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        username = user.first.flatMap { String($0).removingPercentEncoding } ?? ""
        password = user.count > 1 ? String(user[1]).removingPercentEncoding : nil
        guard !username.isEmpty else { throw InvalidClusterURL(url: Self.redacted(text), reason: "it names no user") }
        var hosts: [Host] = []
        for entry in rest.split(separator: ",") {
            let parts = entry.split(separator: ":", maxSplits: 1)
            guard let name = parts.first, !name.isEmpty else { throw InvalidClusterURL(url: Self.redacted(text), reason: "empty host") }
            let port = parts.count > 1 ? Int(parts[1]) : 5432
            guard let port, (1...65_535).contains(port) else {
                throw InvalidClusterURL(url: Self.redacted(text), reason: "\"\(entry)\" has no valid port")
            }
            hosts.append(Host(name: String(name), port: port))
        }
        guard !hosts.isEmpty else { throw InvalidClusterURL(url: Self.redacted(text), reason: "it names no host") }
        self.hosts = hosts
        database = path.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? username
        var requiresWritable = true
        for pair in query.split(separator: "&") {
            let keyValue = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard keyValue.count == 2 else { throw InvalidClusterURL(url: Self.redacted(text), reason: "\"\(pair)\" is not key=value") }
            switch (keyValue[0], keyValue[1]) {
            case ("target_session_attrs", "read-write"): requiresWritable = true
            case ("target_session_attrs", "any"): requiresWritable = false
            case ("sslmode", "disable"): break
            default: throw InvalidClusterURL(url: Self.redacted(text), reason: "unsupported parameter \"\(keyValue[0])=\(keyValue[1])\"")
            }
        }
        self.requiresWritable = requiresWritable
    }

    /// The URL with its password replaced by `***`, for logs and `--print-config`.
    public var description: String {
        let user = password == nil ? username : "\(username):***"
        let list = hosts.map { "\($0.name):\($0.port)" }.joined(separator: ",")
        return "postgresql://\(user)@\(list)/\(database)" + (requiresWritable ? "" : "?target_session_attrs=any")
    }

    /// `text` with whatever sits between `://user:` and `@` replaced by `***`.
    public static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"), let at = text.range(of: "@", options: .backwards),
            schemeEnd.upperBound < at.lowerBound
        else { return text }
        let credentials = text[schemeEnd.upperBound..<at.lowerBound]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return text.replacingCharacters(in: text.index(after: colon)..<at.lowerBound, with: "***")
    }
}

/// A cluster URL that could not be parsed; `url` has its password redacted.
public struct InvalidClusterURL: Error, CustomStringConvertible, Sendable, Equatable {
    public let url: String
    public let reason: String

    public var description: String { "invalid cluster URL \(url): \(reason)" }
}
