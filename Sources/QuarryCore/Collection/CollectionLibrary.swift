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
    let textCollections = Mutex<[String: TextCollection]>([:])
    let imageCollections = Mutex<[String: ImageCollection]>([:])
    private let textEncoders = Mutex<[String: any TextEncoder]>([:])
    private let imageEncoders = Mutex<[String: any ImageEncoder]>([:])
    let unavailable = Mutex<[String: UnavailableCollection]>([:])
    /// Other names of collections, resolved by every lookup by name.
    let aliases: CollectionAliases
    /// Held while a collection or alias is created, deleted or moved, so that those never interleave.
    let lifecycle = Mutex(())
    let logger: Logger

    /// Opens every collection under `dataDirectory` (created when missing). A collection that
    /// cannot be opened (a corrupt store, an invalid index type, a missing model file) does not
    /// stop the others: it is listed in ``unavailableCollections`` with the reason.
    public init(dataDirectory: URL, modelsDirectory: URL, imageDecoder: ImageDecoder = ImageDecoder(), logger: Logger) throws {
        self.dataDirectory = dataDirectory
        self.modelsDirectory = modelsDirectory
        self.imageDecoder = imageDecoder
        self.logger = logger
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        aliases = try CollectionAliases(dataDirectory: dataDirectory)
        for folder in CollectionFolder.all(in: dataDirectory) {
            do {
                do {
                    try open(folder)
                } catch  where StorageFault.of(error) == .corrupt {
                    try restoreNewestBackup(of: folder, replacing: error)
                    try open(folder)
                }
            } catch {
                let reason = "\(error)"
                unavailable.withLock { $0[folder.name] = UnavailableCollection(name: folder.name, reason: reason) }
                logger.error("collection unavailable", metadata: ["collection": "\(folder.name)", "reason": "\(reason)"])
            }
        }
    }

    private func open(_ folder: CollectionFolder) throws {
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
        logger.info(
            "collection opened",
            metadata: [
                "collection": "\(configuration.name)", "kind": "\(configuration.kind.rawValue)", "vectors": "\(vectors)",
                "model": "\(configuration.model)",
            ])
    }

    /// Sets the corrupt collection `folder` aside (as `.corrupt-<name>-<time>` in the data folder)
    /// and restores its newest backup that verifies in its place; rethrows `corruption` when it has none.
    private func restoreNewestBackup(of folder: CollectionFolder, replacing corruption: any Error) throws {
        let manager = BackupManager()
        let backupsRoot = BackupManager.defaultBackupsRoot(for: dataDirectory)
        guard let backup = try manager.newestValidBackup(of: folder.name, in: backupsRoot) else { throw corruption }
        let aside = dataDirectory.appendingPathComponent(".corrupt-\(folder.name)-\(BackupManager.timestamp(Date()))", isDirectory: true)
        try FileManager.default.moveItem(at: folder.url, to: aside)
        try manager.restore(backup.folder, into: dataDirectory, as: folder.name)
        logger.error(
            "collection store corrupt: restored the newest valid backup",
            metadata: [
                "collection": "\(folder.name)", "backup": "\(backup.folder.path)", "corrupt_copy": "\(aside.path)",
                "error": "\(corruption)",
            ])
    }

    /// The collections that could not be opened, sorted by name.
    public var unavailableCollections: [UnavailableCollection] {
        unavailable.withLock { Array($0.values) }.sorted { $0.name < $1.name }
    }

    /// Why collection `name` (or the one alias `name` names) could not be opened, if it could not.
    public func unavailableCollection(named name: String) -> UnavailableCollection? {
        let name = resolved(name)
        return unavailable.withLock { $0[name] }
    }

    /// The collection alias `name` names, else `name` itself.
    public func resolved(_ name: String) -> String {
        aliases.target(of: name) ?? name
    }

    /// Throws ``CollectionError/unavailable(name:reason:)`` when `name` could not be opened: its
    /// folder is kept as it is, never replaced by a new collection.
    private func refuseUnavailable(_ name: String) throws(CollectionError) {
        if let broken = unavailableCollection(named: name) { throw .unavailable(name: name, reason: broken.reason) }
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

    /// The image collection `name`, or the one alias `name` names, if there is one.
    public func imageCollection(named name: String) -> ImageCollection? {
        let name = resolved(name)
        return imageCollections.withLock { $0[name] }
    }

    /// Every open image collection, sorted by name.
    public var allImageCollections: [ImageCollection] {
        imageCollections.withLock { Array($0.values) }.sorted { $0.name < $1.name }
    }

    /// Creates an image collection, or returns the existing one of that name. `background` (white
    /// when nil) is what transparent images are composited onto; it only applies to a new collection.
    public func imageCollection(
        creating name: String, model: String = ModelRegistry.efficientNetLite0.name, factory: String? = nil,
        background: RGBColor? = nil
    ) throws -> ImageCollection {
        if let existing = imageCollection(named: name) { return existing }
        try refuseUnavailable(name)
        if textCollection(named: name) != nil {
            throw CollectionError.wrongKind(name: name, expected: .image, actual: .text)
        }
        let collection = try ImageCollection.create(
            name: name, in: dataDirectory, encoder: imageEncoder(named: model), model: model, factory: factory,
            background: background, decoder: imageDecoder, logger: logger
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

    /// The text collection `name`, or the one alias `name` names, if there is one.
    public func textCollection(named name: String) -> TextCollection? {
        let name = resolved(name)
        return textCollections.withLock { $0[name] }
    }

    /// Every open text collection, sorted by name.
    public var allTextCollections: [TextCollection] {
        textCollections.withLock { Array($0.values) }.sorted { $0.name < $1.name }
    }

    /// Creates a text collection, or returns the existing one of that name.
    public func textCollection(creating name: String, model: String, factory: String? = nil) throws -> TextCollection {
        if let existing = textCollection(named: name) { return existing }
        try refuseUnavailable(name)
        if imageCollection(named: name) != nil {
            throw CollectionError.wrongKind(name: name, expected: .text, actual: .image)
        }
        let collection = try TextCollection.create(
            name: name, in: dataDirectory, encoder: textEncoder(named: model), factory: factory, logger: logger
        )
        textCollections.withLock { $0[name] = collection }
        return collection
    }

    /// The collection `name` of either kind, or the one alias `name` names, if there is one.
    public func collection(named name: String) -> (any IndexedCollection)? {
        textCollection(named: name) ?? imageCollection(named: name)
    }

    /// Every open collection of either kind, sorted by name.
    public var allCollections: [any IndexedCollection] {
        (allTextCollections.map { $0 as any IndexedCollection } + allImageCollections.map { $0 as any IndexedCollection })
            .sorted { $0.name < $1.name }
    }

    /// Checkpoints every collection's index; one that fails does not keep the others from it.
    /// - Throws: ``CollectionFailures`` naming each collection that failed, after trying them all.
    public func checkpointAll() throws(CollectionFailures) {
        try forEachCollection {
            try $0.checkpoint()
            return true
        }
    }

    /// Checkpoints the indexes that changed since their last checkpoint; returns their collections'
    /// names. One that fails does not keep the others from it.
    /// - Throws: ``CollectionFailures`` naming each collection that failed, after trying them all.
    @discardableResult
    public func checkpointChanged() throws(CollectionFailures) -> [String] {
        try forEachCollection { try $0.index.checkpointIfChanged() }
    }

    /// Rebuilds the indexes whose removed vectors hold too many slots (see
    /// ``LiveIndex/compactIfNeeded(maximumRemovedShare:)``); returns their collections' names.
    /// One that fails does not keep the others from it.
    /// - Throws: ``CollectionFailures`` naming each collection that failed, after trying them all.
    @discardableResult
    public func compactIndexes() throws(CollectionFailures) -> [String] {
        try forEachCollection { try $0.index.compactIfNeeded() }
    }

    /// Runs `operation` on every collection, even after one fails, skipping those deleted meanwhile;
    /// returns the names of those it returned true for.
    @discardableResult
    private func forEachCollection(_ operation: (any IndexedCollection) throws -> Bool) throws(CollectionFailures) -> [String] {
        var written: [String] = []
        var failures = CollectionFailures()
        for collection in allCollections {
            do {
                if try operation(collection) { written.append(collection.name) }
            } catch CollectionError.notFound {
                continue  // deleted since the list was taken
            } catch {
                failures.failures.append(.init(collection: collection.name, reason: "\(error)"))
            }
        }
        if !failures.failures.isEmpty { throw failures }
        return written
    }
}
