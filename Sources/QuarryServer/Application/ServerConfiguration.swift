import Foundation

/// Settings of the HTTP server.
public struct ServerConfiguration: Sendable, Equatable {
    /// Address to bind; loopback by default.
    public var host: String
    public var port: Int
    /// Folder holding one sub-folder per collection.
    public var dataDirectory: URL

    public init(host: String = "127.0.0.1", port: Int = 8080, dataDirectory: URL = URL(fileURLWithPath: "data")) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
    }
}
