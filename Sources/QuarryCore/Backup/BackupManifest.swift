import Foundation

/// `backup.json`: what a complete backup folder holds. It is written last, so a
/// backup folder without a readable `backup.json` is incomplete and ignored.
public struct BackupManifest: Codable, Sendable, Equatable {
    /// Name of the manifest file inside a backup folder.
    public static let fileName = "backup.json"
    /// Files every backup holds, whatever the collection's kind.
    public static let requiredFiles = ["collection.json", "store.sqlite", "index.faiss", "index.manifest.json"]

    /// Name of the collection backed up.
    public var collection: String
    public var kind: CollectionKind
    public var createdAt: Date
    /// Rows (passages or images) in the backed-up store.
    public var storeRows: Int
    /// ``BuildInfo/version`` of the Quarry that wrote the backup.
    public var quarryVersion: String
    /// Every file of the backup except `backup.json`, sorted by path.
    public var files: [File]

    /// One file of a backup.
    public struct File: Codable, Sendable, Equatable {
        /// Path relative to the backup folder, `/`-separated.
        public var path: String
        /// Size in bytes.
        public var size: Int64
        /// Hex SHA-256 of the content.
        public var sha256: String

        public init(path: String, size: Int64, sha256: String) {
            self.path = path
            self.size = size
            self.sha256 = sha256
        }
    }

    public init(collection: String, kind: CollectionKind, createdAt: Date, storeRows: Int, quarryVersion: String, files: [File]) {
        self.collection = collection
        self.kind = kind
        self.createdAt = createdAt
        self.storeRows = storeRows
        self.quarryVersion = quarryVersion
        self.files = files
    }

    /// Total size of the backed-up files in bytes.
    public var totalSize: Int64 { files.reduce(0) { $0 + $1.size } }

    /// Reads the manifest of the backup in `folder`.
    static func read(from folder: URL) throws -> BackupManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(BackupManifest.self, from: Data(contentsOf: folder.appendingPathComponent(fileName)))
    }

    /// Writes the manifest into `folder` atomically.
    func write(to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(encoder.encode(self), to: folder.appendingPathComponent(Self.fileName))
    }
}
