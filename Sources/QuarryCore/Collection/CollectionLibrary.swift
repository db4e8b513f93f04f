import Embeddings
import Foundation
import Logging
import Synchronization

/// Every collection of a data folder, opened with the models they need.
/// Each model is loaded once and shared by the collections that use it.
public final class CollectionLibrary: Sendable {
    public let dataDirectory: URL
    public let modelsDirectory: URL
    private let textCollections = Mutex<[String: TextCollection]>([:])
    private let textEncoders = Mutex<[String: any TextEncoder]>([:])
    let logger: Logger

    /// Opens every collection under `dataDirectory` (created when missing).
    public init(dataDirectory: URL, modelsDirectory: URL, logger: Logger) throws {
        self.dataDirectory = dataDirectory
        self.modelsDirectory = modelsDirectory
        self.logger = logger
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        for folder in CollectionFolder.all(in: dataDirectory) {
            let configuration = try folder.readConfiguration()
            guard configuration.kind == .text else { continue }
            let collection = try TextCollection.open(folder: folder, encoder: textEncoder(named: configuration.model), logger: logger)
            textCollections.withLock { $0[configuration.name] = collection }
            logger.info("collection opened", metadata: [
                "collection": "\(configuration.name)", "vectors": "\(collection.index.count)", "model": "\(configuration.model)",
            ])
        }
    }

    /// The text encoder `name` (see ``TextModelRegistry``), loaded on first use.
    public func textEncoder(named name: String) throws -> any TextEncoder {
        if let encoder = textEncoders.withLock({ $0[name] }) { return encoder }
        let encoder = try TextModelRegistry.load(name, modelsDirectory: modelsDirectory)
        return textEncoders.withLock { encoders in
            if let existing = encoders[name] { return existing }
            encoders[name] = encoder
            return encoder
        }
    }

    /// The text collection `name`, if there is one.
    public func textCollection(named name: String) -> TextCollection? {
        textCollections.withLock { $0[name] }
    }

    /// Every open text collection, sorted by name.
    public var allTextCollections: [TextCollection] {
        textCollections.withLock { Array($0.values) }.sorted { $0.name < $1.name }
    }

    /// Creates a text collection, or returns the existing one of that name.
    public func textCollection(creating name: String, model: String, factory: String? = nil) throws -> TextCollection {
        if let existing = textCollection(named: name) { return existing }
        let collection = try TextCollection.create(
            name: name, in: dataDirectory, encoder: textEncoder(named: model), factory: factory, logger: logger
        )
        textCollections.withLock { $0[name] = collection }
        return collection
    }

    /// Checkpoints every collection's index.
    public func checkpointAll() throws {
        for collection in allTextCollections { try collection.checkpoint() }
    }
}
