import Embeddings
import Faiss
import Foundation
import Logging
import Synchronization

/// A searchable collection of images: its SQLite store (metadata and vectors,
/// the source of truth), the image files under `media/` with thumbnails under
/// `thumbnails/`, and the FAISS index over L2-normalised image embeddings
/// (inner product = cosine similarity).
///
/// Small collections use an exact `Flat` index; from ``flatLimit`` images on,
/// a trained `IVF{nlist},Flat` index. Safe to share across tasks.
public final class ImageCollection: IndexedCollection {
    public let folder: CollectionFolder
    public let store: ImageStore
    public let index: LiveIndex
    public let encoder: any ImageEncoder
    /// Decodes uploaded and ingested images, with the server's limits and the collection's background.
    public let decoder: ImageDecoder
    /// What opening the index had to repair.
    public let recovery: LiveIndex.Recovery
    public let settings: CollectionSettings
    /// Held while image files are written or removed together with the rows that use them, so
    /// that no file is removed between its write and the commit of its row.
    let fileChanges = Mutex<Void>(())
    /// The neighbours that near-duplicate groups come from, kept until the index changes.
    let neighbourGraph = Mutex<NeighbourGraph?>(nil)
    /// The stored images nearest a query's fingerprint, the second source of near-tie candidates.
    let fingerprintNeighbours: FingerprintNeighbours
    public let logger: Logger

    /// Collections below this many images use an exact `Flat` index.
    public static let flatLimit = 10_000
    /// Fewest training vectors per IVF list (FAISS warns below 39).
    public static let minimumTrainingPerList = 39

    /// The number of IVF lists for `count` images: about 4·√N, at most one list
    /// per ``minimumTrainingPerList`` images so that training has enough samples.
    public static func nlist(forCount count: Int) -> Int {
        let wanted = Int((4 * Double(count).squareRoot()).rounded())
        return max(1, min(wanted, count / minimumTrainingPerList, 65_536))
    }

    /// The default factory for an image collection of `count` images.
    public static func defaultFactory(forCount count: Int, flatLimit: Int) -> String {
        count < flatLimit ? "Flat" : "IVF\(nlist(forCount: count)),Flat"
    }

    public var vectorSource: any VectorSource { store }

    /// The nprobe used when neither the request nor the collection sets one:
    /// an eighth of the lists (`quarry tune` measures a better one).
    public static func fallbackNprobe(nlist: Int) -> Int {
        max(1, nlist / 8)
    }

    /// Creates an empty image collection `<dataDirectory>/<name>`.
    public static func create(
        name: String, in dataDirectory: URL, encoder: any ImageEncoder, model: String, factory: String? = nil,
        background: RGBColor? = nil, decoder: ImageDecoder = ImageDecoder(), logger: Logger
    ) throws -> ImageCollection {
        try CollectionFolder.create(
            CollectionConfiguration(
                name: name, kind: .image, model: model, dimension: encoder.dimension,
                factory: factory ?? defaultFactory(forCount: 0), automaticFactory: factory == nil,
                searchDefaults: .init(topK: 10), imageBackground: background
            ), in: dataDirectory
        ) { folder in
            try open(folder: folder, encoder: encoder, decoder: decoder, logger: logger)
        }
    }

    /// Opens an existing image collection, repairing its index from the store if needed,
    /// filling in missing fingerprints and indexing their descriptors.
    public static func open(
        folder: CollectionFolder, encoder: any ImageEncoder, decoder: ImageDecoder = ImageDecoder(), logger: Logger
    ) throws -> ImageCollection {
        let configuration = try folder.readConfiguration(expecting: .image, dimension: encoder.dimension, model: "image encoder")
        var logger = logger
        logger[metadataKey: "collection"] = "\(configuration.name)"
        let store = try ImageStore(url: folder.storeURL, dimension: configuration.dimension)
        let decoder = decoder.with(background: configuration.imageBackground ?? .white)
        let (index, recovery) = try folder.openIndex(configuration, store: store, logger: logger)
        let collection = try ImageCollection(
            configuration: configuration, folder: folder, store: store, index: index, encoder: encoder, decoder: decoder,
            recovery: recovery, logger: logger
        )
        try FileManager.default.createDirectory(at: collection.folder.mediaURL, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: collection.folder.thumbnailsURL, withIntermediateDirectories: true)
        collection.removeOrphanFiles()
        collection.fillMissingFingerprints()
        do {
            try collection.fingerprintNeighbours.catchUp(with: store, generation: index.generation)
        } catch {
            logger.warning("cannot index fingerprint descriptors; searches will try again", metadata: ["error": "\(error)"])
        }
        return collection
    }

    init(
        configuration: CollectionConfiguration, folder: CollectionFolder, store: ImageStore, index: LiveIndex,
        encoder: any ImageEncoder, decoder: ImageDecoder, recovery: LiveIndex.Recovery, logger: Logger
    ) throws {
        settings = CollectionSettings(configuration, in: folder)
        fingerprintNeighbours = try FingerprintNeighbours()
        self.folder = folder
        self.store = store
        self.index = index
        self.encoder = encoder
        self.decoder = decoder
        self.recovery = recovery
        self.logger = logger
    }

    /// Number of IVF lists of the current index, nil for other index types.
    public var nlist: Int? { index.current.nlist }

    /// The nprobe searches use when the request sets none (nil for an index without lists).
    public var defaultNprobe: Int? {
        nlist.map { min($0, configuration.searchDefaults.nprobe ?? Self.fallbackNprobe(nlist: $0)) }
    }

    /// Stores `nprobe` as the collection's default (in `collection.json`).
    public func setDefaultNprobe(_ nprobe: Int) throws {
        try updateConfiguration { $0.searchDefaults.nprobe = nprobe }
    }

    /// The file of `image` inside the media folder, or nil if its stored path
    /// would lead outside it (only the collection's own files are ever served).
    public func mediaFile(for image: StoredImage) -> URL? {
        Self.contained(folder.mediaURL.appendingPathComponent(image.path), in: folder.mediaURL)
    }

    /// The thumbnail file of `image`.
    public func thumbnailFile(for image: StoredImage) -> URL {
        folder.thumbnailURL(contentHash: image.contentHash)
    }

    /// `url` with symbolic links resolved, if it lies inside `folder`.
    static func contained(_ url: URL, in folder: URL) -> URL? {
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        let resolved = url.standardizedFileURL.resolvingSymlinksInPath()
        return resolved.path.hasPrefix(root + "/") ? resolved : nil
    }
}
