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
    /// Most images a filter may match for them to be ranked exactly rather than filtered from
    /// the index's candidates (lowered by tests to reach the index path on small collections).
    var exactRankingLimit = ExactRanking.maximumItems

    public init(vector: [Float], topK: Int = 10, nprobe: Int? = nil, filter: ImageFilter = .init(), excluding: Int64? = nil) {
        self.vector = vector
        self.topK = topK
        self.nprobe = nprobe
        self.filter = filter
        self.excluding = excluding
    }
}
