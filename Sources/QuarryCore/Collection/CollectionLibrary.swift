import Embeddings
import Foundation
import Logging
import Synchronization

/// Every collection of a data folder, opened with the models they need.
/// Each model is loaded once and shared by the collections that use it.
public final class CollectionLibrary: Sendable {
    public let dataDirectory: URL
    public let modelsDirectory: URL
    /// Decoder (and so pixel limit) of the image collections.
    public let imageDecoder: ImageDecoder
    private let textCollections = Mutex<[String: TextCollection]>([:])
    private let imageCollections = Mutex<[String: ImageCollection]>([:])
    private let textEncoders = Mutex<[String: any TextEncoder]>([:])
    private let imageEncoders = Mutex<[String: any ImageEncoder]>([:])
    let logger: Logger

    /// Opens every collection under `dataDirectory` (created when missing).
    public init(dataDirectory: URL, modelsDirectory: URL, imageDecoder: ImageDecoder = ImageDecoder(), logger: Logger) throws {
        self.dataDirectory = dataDirectory
        self.modelsDirectory = modelsDirectory
        self.imageDecoder = imageDecoder
        self.logger = logger
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        for folder in CollectionFolder.all(in: dataDirectory) {
            let configuration = try folder.readConfiguration()
            let vectors: Int
            switch configuration.kind {
            case .text:
                let collection = try TextCollection.open(folder: folder, encoder: textEncoder(named: configuration.model), logger: logger)
                textCollections.withLock { $0[configuration.name] = collection }
                vectors = collection.index.count
            case .image:
                let collection = try ImageCollection.open(
                    folder: folder, encoder: imageEncoder(named: configuration.model), decoder: imageDecoder, logger: logger
                )
                imageCollections.withLock { $0[configuration.name] = collection }
                vectors = collection.index.count
            }
            logger.info("collection opened", metadata: [
                "collection": "\(configuration.name)", "kind": "\(configuration.kind.rawValue)", "vectors": "\(vectors)",
                "model": "\(configuration.model)",
            ])
        }
    }

    /// The image encoder `name` (see ``ModelRegistry``), loaded on first use.
    public func imageEncoder(named name: String) throws -> any ImageEncoder {
        if let encoder = imageEncoders.withLock({ $0[name] }) { return encoder }
        let encoder = try ModelRegistry.imageEncoder(name, modelsDirectory: modelsDirectory)
        return imageEncoders.withLock { encoders in
            if let existing = encoders[name] { return existing }
            encoders[name] = encoder
            return encoder
        }
    }

    /// The image collection `name`, if there is one.
    public func imageCollection(named name: String) -> ImageCollection? {
        imageCollections.withLock { $0[name] }
    }

    /// Every open image collection, sorted by name.
    public var allImageCollections: [ImageCollection] {
        imageCollections.withLock { Array($0.values) }.sorted { $0.name < $1.name }
    }

    /// Creates an image collection, or returns the existing one of that name.
    public func imageCollection(creating name: String, model: String = ModelRegistry.efficientNetLite0.name, factory: String? = nil) throws -> ImageCollection {
        if let existing = imageCollection(named: name) { return existing }
        if textCollection(named: name) != nil {
            throw CollectionError.wrongKind(name: name, expected: .image, actual: .text)
        }
        let collection = try ImageCollection.create(
            name: name, in: dataDirectory, encoder: imageEncoder(named: model), model: model, factory: factory,
            decoder: imageDecoder, logger: logger
        )
        imageCollections.withLock { $0[name] = collection }
        return collection
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
        if imageCollection(named: name) != nil {
            throw CollectionError.wrongKind(name: name, expected: .text, actual: .image)
        }
        let collection = try TextCollection.create(
            name: name, in: dataDirectory, encoder: textEncoder(named: model), factory: factory, logger: logger
        )
        textCollections.withLock { $0[name] = collection }
        return collection
    }

    /// The collection `name` of either kind, if there is one.
    public func collection(named name: String) -> (any IndexedCollection)? {
        textCollection(named: name) ?? imageCollection(named: name)
    }

    /// Every open collection of either kind, sorted by name.
    public var allCollections: [any IndexedCollection] {
        (allTextCollections.map { $0 as any IndexedCollection } + allImageCollections.map { $0 as any IndexedCollection })
            .sorted { $0.name < $1.name }
    }

    /// Checkpoints every collection's index.
    public func checkpointAll() throws {
        for collection in allCollections { try collection.checkpoint() }
    }

    /// Checkpoints the indexes that changed since their last checkpoint; returns their collections' names.
    @discardableResult
    public func checkpointChanged() throws -> [String] {
        try allCollections.filter { try $0.index.checkpointIfChanged() }.map(\.name)
    }
}
