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

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: URL = URL(fileURLWithPath: "data"),
        modelsDirectory: URL = URL(fileURLWithPath: "models"), defaultTextCollection: String? = nil,
        limits: RequestLimits = .init()
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.modelsDirectory = modelsDirectory
        self.defaultTextCollection = defaultTextCollection
        self.limits = limits
    }
}
