import Foundation

/// Settings of the HTTP server.
public struct ServerConfiguration: Sendable, Equatable {
    /// Address to bind; loopback by default.
    public var host: String
    public var port: Int
    /// Folder holding one sub-folder per collection.
    public var dataDirectory: URL
    /// Folder of the model files (the setup script's `models/`).
    public var modelsDirectory: URL
    /// Collection answering the tutorial-compatible `POST /text-search`; the first text collection when nil.
    public var defaultTextCollection: String?
    public var limits: RequestLimits
    /// Bearer token required by write endpoints; with none, writes are refused.
    public var adminToken: String?
    /// Opens write endpoints to anyone when there is no token (loopback only; for local experiments).
    public var insecureOpenWrites: Bool
    /// How long a connection may take to send a request, and stay idle.
    public var timeouts: ConnectionTimeouts
    /// Searches in flight before degrading and before refusing.
    public var load: LoadLimits
    /// The search answer cache.
    public var cache: CacheSettings
    /// Browser origins (`https://host[:port]`) allowed to call the API cross-origin; empty turns CORS off.
    public var corsOrigins: [String]

    /// Size and lifetime of the search answer cache (capacity 0 turns it off).
    public struct CacheSettings: Sendable, Equatable {
        public var capacity: Int
        public var timeToLive: Double

        public init(capacity: Int = 1_024, timeToLive: Double = 300) {
            self.capacity = capacity
            self.timeToLive = timeToLive
        }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: URL = URL(fileURLWithPath: "data"),
        modelsDirectory: URL = URL(fileURLWithPath: "models"), defaultTextCollection: String? = nil,
        limits: RequestLimits = .init(), adminToken: String? = nil, load: LoadLimits = .init(), cache: CacheSettings = .init(),
        corsOrigins: [String] = [], insecureOpenWrites: Bool = false, timeouts: ConnectionTimeouts = .init()
    ) {
        self.corsOrigins = corsOrigins
        self.insecureOpenWrites = insecureOpenWrites
        self.timeouts = timeouts
        self.load = load
        self.cache = cache
        self.adminToken = adminToken
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.modelsDirectory = modelsDirectory
        self.defaultTextCollection = defaultTextCollection
        self.limits = limits
    }
}

extension ServerConfiguration {
    /// Whether `host` only accepts connections from this machine.
    public var isLoopback: Bool {
        ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
    }

    /// Who may call the write endpoints: the token's holders, nobody, or (insecure) anybody.
    public var writeAccess: WriteAccess {
        if let adminToken { return .token(adminToken) }
        return insecureOpenWrites ? .open : .closed
    }

    /// Refuses configurations that would expose write endpoints without a token off loopback,
    /// and tokens too short to resist guessing.
    public func validate() throws(ServerConfigurationError) {
        if writeAccess == .open, !isLoopback { throw .openWritesOffLoopback(host: host) }
        if let adminToken, adminToken.count < 16 { throw .weakToken }
    }
}

/// A server configuration that must not be started.
public enum ServerConfigurationError: Error, CustomStringConvertible, Equatable {
    case openWritesOffLoopback(host: String)
    case weakToken

    public var description: String {
        switch self {
        case .openWritesOffLoopback(let host):
            "refusing to open write endpoints to anyone on \(host): drop --insecure-open-writes and set QUARRY_ADMIN_TOKEN, admin_token_file or --admin-token-file, or bind to 127.0.0.1"
        case .weakToken: "the admin token must be at least 16 characters"
        }
    }
}
