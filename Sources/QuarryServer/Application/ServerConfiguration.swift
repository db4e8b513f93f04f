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
    /// Bearer token required by write endpoints; nil leaves them open (allowed on loopback only).
    public var adminToken: String?
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
        corsOrigins: [String] = []
    ) {
        self.corsOrigins = corsOrigins
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

    /// Refuses configurations that would expose write endpoints without a token.
    public func validate() throws(ServerConfigurationError) {
        if adminToken == nil, !isLoopback { throw .writesWithoutToken(host: host) }
        if let adminToken, adminToken.count < 16 { throw .weakToken }
    }
}

/// A server configuration that must not be started.
public enum ServerConfigurationError: Error, CustomStringConvertible, Equatable {
    case writesWithoutToken(host: String)
    case weakToken

    public var description: String {
        switch self {
        case .writesWithoutToken(let host):
            "refusing to serve write endpoints on \(host) without an admin token: set QUARRY_ADMIN_TOKEN, admin_token_file or --admin-token-file, or bind to 127.0.0.1"
        case .weakToken: "the admin token must be at least 16 characters"
        }
    }
}
