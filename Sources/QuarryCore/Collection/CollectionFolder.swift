import Faiss
import Foundation
import Logging

/// The files of one collection folder (`<data>/<name>/`).
public struct CollectionFolder: Sendable, Equatable {
    public let url: URL

    public init(dataDirectory: URL, name: String) {
        url = dataDirectory.appendingPathComponent(name, isDirectory: true)
    }

    public init(url: URL) {
        self.url = url
    }

    /// The collection's name: its folder's.
    public var name: String { url.lastPathComponent }

    /// The settings (``CollectionConfiguration``).
    public var configurationURL: URL { url.appendingPathComponent("collection.json") }
    /// The SQLite store, the source of truth for rows and vectors.
    public var storeURL: URL { url.appendingPathComponent("store.sqlite") }
    /// The FAISS index and its manifest, written at each checkpoint.
    public var indexFiles: IndexFiles {
        IndexFiles(index: url.appendingPathComponent("index.faiss"), manifest: url.appendingPathComponent("index.manifest.json"))
    }
    /// A text collection's keyword index (a Xapian database, derived from the store).
    public var keywordIndexURL: URL { url.appendingPathComponent("keywords", isDirectory: true) }
    /// An image collection's image files; stored paths are relative to it.
    public var mediaURL: URL { url.appendingPathComponent("media", isDirectory: true) }
    /// An image collection's thumbnails, one JPEG per content hash.
    public var thumbnailsURL: URL { url.appendingPathComponent("thumbnails", isDirectory: true) }

    /// The thumbnail of the image whose content hash is `contentHash`.
    public func thumbnailURL(contentHash: String) -> URL {
        thumbnailsURL.appendingPathComponent(contentHash + ".jpg")
    }

    /// Whether the folder holds a collection (its `collection.json`).
    public var exists: Bool { FileManager.default.fileExists(atPath: configurationURL.path) }

    public func readConfiguration() throws(CollectionError) -> CollectionConfiguration {
        guard exists else {
            throw .notFound(url.lastPathComponent)
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(CollectionConfiguration.self, from: Data(contentsOf: configurationURL))
        } catch {
            throw .unreadableConfiguration(path: configurationURL.path, reason: "\(error)")
        }
    }

    /// Creates the folder of a new collection, writes its `configuration` and opens it with
    /// `open`; when opening fails the folder is removed, so no collection is left half-created.
    static func create<Collection>(
        _ configuration: CollectionConfiguration, in dataDirectory: URL, open: (CollectionFolder) throws -> Collection
    ) throws -> Collection {
        let folder = try create(configuration, in: dataDirectory)
        do {
            return try open(folder)
        } catch {
            try? FileManager.default.removeItem(at: folder.url)
            throw error
        }
    }

    /// Creates the folder of a new collection and writes its `configuration`, after checking
    /// the name, that no collection of that name exists and that the factory string is valid.
    private static func create(_ configuration: CollectionConfiguration, in dataDirectory: URL) throws -> CollectionFolder {
        guard CollectionConfiguration.isValidName(configuration.name) else { throw CollectionError.invalidName(configuration.name) }
        let folder = CollectionFolder(dataDirectory: dataDirectory, name: configuration.name)
        guard !folder.exists else {
            throw CollectionError.alreadyExists(configuration.name)
        }
        try IndexFactory.validate(configuration.factory, dimension: configuration.dimension)
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        try folder.writeConfiguration(configuration)
        return folder
    }

    /// The configuration, checked to describe a collection of `kind` whose vectors an
    /// encoder of `dimension` (named `model` in errors) can produce.
    func readConfiguration(expecting kind: CollectionKind, dimension: Int, model: String) throws -> CollectionConfiguration {
        let configuration = try readConfiguration()
        guard configuration.kind == kind else {
            throw CollectionError.wrongKind(name: configuration.name, expected: kind, actual: configuration.kind)
        }
        guard dimension == configuration.dimension else {
            throw CollectionError.modelDimensionMismatch(
                model: model, modelDimension: dimension, collectionDimension: configuration.dimension
            )
        }
        return configuration
    }

    /// Opens the collection's index, repaired from `store` (see ``LiveIndex/open(files:lifetime:factory:metric:source:logger:fallback:)``),
    /// with backups looked for in the data folder's `.backups`.
    func openIndex(_ configuration: CollectionConfiguration, store: any VectorSource, logger: Logger) throws -> (LiveIndex, LiveIndex.Recovery) {
        let backups = BackupManager.defaultBackupsRoot(for: url.deletingLastPathComponent())
        return try LiveIndex.open(
            files: indexFiles, lifetime: FolderLifetime(name: name), factory: configuration.factory, metric: configuration.metric,
            source: store, logger: logger
        ) {
            (try? BackupManager().newestValidBackup(of: name, in: backups)).map { CollectionFolder(url: $0.folder).indexFiles }
        }
    }

    public func writeConfiguration(_ configuration: CollectionConfiguration) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(encoder.encode(configuration), to: configurationURL)
    }

    /// Folders under `dataDirectory` that hold a `collection.json`, sorted by name; folders whose
    /// name starts with "." are Quarry's own (backups, restores under way, corrupt copies set aside).
    public static func all(in dataDirectory: URL) -> [CollectionFolder] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
            .map { CollectionFolder(dataDirectory: dataDirectory, name: $0) }
            .filter(\.exists)
    }
}
