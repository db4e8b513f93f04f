import Embeddings

/// A visual similarity search in an image collection.
public struct ImageSearchRequest: Sendable, Equatable {
    /// The query's embedding (from the collection's encoder).
    public var vector: [Float]
    public var topK: Int
    /// Inverted lists an IVF index visits; nil uses the collection's default.
    public var nprobe: Int?
    public var filter: ImageFilter
    /// An image left out of the results (the query item of a "more like this" search).
    public var excluding: Int64?
    /// The query image's fingerprint, which orders near ties (``NearTieOrdering``); nil keeps the embedding's order.
    public var fingerprint: ImageFingerprint?
    /// Most images a filter may match for them to be ranked exactly rather than filtered from
    /// the index's candidates (``defaultExactRankingLimit``; benchmarks and tests change it to
    /// force one path).
    public var exactRankingLimit = Self.defaultExactRankingLimit

    /// The exact-ranking limit of image searches, measured by `make bench-filters` on 20,000 and
    /// 50,000 vectors of 1,280 dimensions: up to 2,000 matching images, ranking them exactly
    /// takes at most ~26 ms and the index path's recall@10 stays below 0.96 (0.5–0.8 under
    /// 1,000, where it is also slower); past it, the index path is faster and as good.
    public static let defaultExactRankingLimit = 2_000

    public init(
        vector: [Float], topK: Int = 10, nprobe: Int? = nil, filter: ImageFilter = .init(), excluding: Int64? = nil,
        fingerprint: ImageFingerprint? = nil
    ) {
        self.vector = vector
        self.topK = topK
        self.nprobe = nprobe
        self.filter = filter
        self.excluding = excluding
        self.fingerprint = fingerprint
    }
}
