import Foundation

/// `index.manifest.json`: what a checkpointed `index.faiss` should contain.
public struct IndexManifest: Codable, Sendable, Equatable {
    /// Vectors in the index.
    public var count: Int
    /// Highest vector id in the index (0 when empty).
    public var highestID: Int64
    /// SHA-256 of `index.faiss`.
    public var sha256: String
    public var factory: String
    public var writtenAt: Date

    static func read(from url: URL) throws -> IndexManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(IndexManifest.self, from: Data(contentsOf: url))
    }

    func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(encoder.encode(self), to: url)
    }
}
