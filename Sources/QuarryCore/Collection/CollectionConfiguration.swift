import Embeddings
import Faiss
import Foundation

/// The settings of one collection, stored as `collection.json` in its folder.
public struct CollectionConfiguration: Codable, Sendable, Equatable {
    /// The collection's name, which is also its folder name.
    public var name: String
    public var kind: CollectionKind
    /// Registry name of the embedding model (`e5-small`, `minilm-l6`, `efficientnet-lite0`).
    public var model: String
    public var dimension: Int
    public var metric: Metric
    /// FAISS factory string of the index, e.g. `"Flat"` or `"HNSW32,Flat"`.
    public var factory: String
    /// Whether Quarry chose `factory` from the collection's size (and may change it as it grows),
    /// rather than the user.
    public var automaticFactory: Bool?
    /// Search settings used when a request does not give its own.
    public var searchDefaults: SearchDefaults
    /// Image collections: the colour transparent pixels are composited onto, for stored images
    /// and queries alike (white when unset). Fixed when the collection is created.
    public var imageBackground: RGBColor?
    /// Image collections: the score (cosine similarity) from which an image counts as a near
    /// duplicate of a stored one (``ImageCollection/defaultDuplicateThreshold`` when unset).
    public var duplicateThreshold: Double?
    /// Vectors the current index was trained on (trained index types only), to tell when it has drifted.
    public var trainedVectors: Int?
    /// Cluster mode: how the collection is split into shards (nil: every node holds all of it).
    public var sharding: ShardLayout?
    /// Cluster mode, sharded collections: the shards this node holds, from the cluster's shard map.
    public var heldShards: [Int]?
    public var createdAt: Date

    /// Per-collection defaults for searches.
    public struct SearchDefaults: Codable, Sendable, Equatable {
        public var topK: Int
        public var nprobe: Int?
        public var efSearch: Int?

        public init(topK: Int = 5, nprobe: Int? = nil, efSearch: Int? = nil) {
            self.topK = topK
            self.nprobe = nprobe
            self.efSearch = efSearch
        }
    }

    public init(
        name: String, kind: CollectionKind, model: String, dimension: Int, metric: Metric = .innerProduct,
        factory: String, automaticFactory: Bool? = nil, searchDefaults: SearchDefaults = .init(),
        imageBackground: RGBColor? = nil, duplicateThreshold: Double? = nil, createdAt: Date = Date()
    ) {
        self.imageBackground = imageBackground
        self.duplicateThreshold = duplicateThreshold
        self.automaticFactory = automaticFactory
        self.name = name
        self.kind = kind
        self.model = model
        self.dimension = dimension
        self.metric = metric
        self.factory = factory
        self.searchDefaults = searchDefaults
        self.createdAt = createdAt
    }

    /// Names are folder names: letters, digits, `-` and `_`, 1–64 characters.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
    }
}
