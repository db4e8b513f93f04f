import Embeddings
import Faiss
import Foundation
import Logging
import Synchronization

/// A searchable collection of text passages: its SQLite store (the source of
/// truth), the FAISS index over the passages' vectors, the keyword index over their
/// terms, and the model that embeds both passages and questions.
///
/// Safe to share across tasks: searches run concurrently; writes are
/// committed to the store first, then applied to the index.
public final class TextCollection: IndexedCollection {
    public let settings: CollectionSettings
    public let folder: CollectionFolder
    public let store: PassageStore
    public let index: LiveIndex
    /// BM25 over the passages' ``KeywordTerms``, derived from the store like ``index``.
    public let keywords: KeywordIndex
    public let encoder: any TextEncoder
    /// What opening the index had to repair.
    public let recovery: LiveIndex.Recovery
    /// What opening the keyword index had to do.
    public let keywordRecovery: KeywordIndex.Recovery
    /// Embeddings of recent questions (a question's embedding never changes for a given model).
    public let queryEmbeddings = LRUCache<String, [Float]>(capacity: 4_096, timeToLive: 86_400)
    public let logger: Logger

    /// Collections up to this many passages use an exact `Flat` index; larger ones `HNSW32,Flat`.
    public static let flatLimit = 50_000

    /// The default factory for a text collection of `count` passages.
    public static func defaultFactory(forCount count: Int, flatLimit: Int) -> String {
        count < flatLimit ? "Flat" : "HNSW32,Flat"
    }

    /// Creates an empty collection folder `<dataDirectory>/<name>`.
    public static func create(
        name: String, in dataDirectory: URL, encoder: any TextEncoder, factory: String? = nil, logger: Logger
    ) throws -> TextCollection {
        try CollectionFolder.create(
            CollectionConfiguration(
                name: name, kind: .text, model: encoder.name, dimension: encoder.dimension,
                factory: factory ?? defaultFactory(forCount: 0), automaticFactory: factory == nil
            ), in: dataDirectory
        ) { folder in
            try open(folder: folder, encoder: encoder, logger: logger)
        }
    }

    /// Opens an existing collection, repairing its index from the store if needed. A collection
    /// whose index type Quarry chose is moved to the type its size calls for (`Flat` up to
    /// `flatLimit` passages, `HNSW32,Flat` above), rebuilding the index from the stored vectors.
    public static func open(
        folder: CollectionFolder, encoder: any TextEncoder, logger: Logger, flatLimit: Int = TextCollection.flatLimit
    ) throws -> TextCollection {
        let configuration = try folder.readConfiguration(expecting: .text, dimension: encoder.dimension, model: encoder.name)
        var logger = logger
        logger[metadataKey: "collection"] = "\(configuration.name)"
        let store = try PassageStore(url: folder.storeURL, dimension: configuration.dimension)
        let (index, recovery) = try folder.openIndex(configuration, store: store, logger: logger)
        let (keywords, keywordRecovery) = try KeywordIndex.open(folder: folder.keywordIndexURL, store: store, logger: logger)
        let collection = TextCollection(
            configuration: configuration, folder: folder, store: store, index: index, keywords: keywords, encoder: encoder,
            recovery: recovery, keywordRecovery: keywordRecovery, logger: logger
        )
        if configuration.automaticFactory == true {
            let wanted = defaultFactory(forCount: index.count, flatLimit: flatLimit)
            if wanted != configuration.factory {
                logger.notice("changing index type for the collection's size", metadata: ["from": "\(configuration.factory)", "to": "\(wanted)"])
                try collection.rebuildIndex(factory: wanted)
            }
        }
        return collection
    }

    init(
        configuration: CollectionConfiguration, folder: CollectionFolder, store: PassageStore, index: LiveIndex,
        keywords: KeywordIndex, encoder: any TextEncoder, recovery: LiveIndex.Recovery, keywordRecovery: KeywordIndex.Recovery,
        logger: Logger
    ) {
        settings = CollectionSettings(configuration, in: folder)
        self.folder = folder
        self.store = store
        self.index = index
        self.keywords = keywords
        self.encoder = encoder
        self.recovery = recovery
        self.keywordRecovery = keywordRecovery
        self.logger = logger
    }

    public var vectorSource: any VectorSource { store }

    public static func defaultFactory(forCount count: Int) -> String {
        defaultFactory(forCount: count, flatLimit: flatLimit)
    }
}
