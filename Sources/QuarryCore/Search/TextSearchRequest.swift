import Faiss

/// A question to a text collection.
public struct TextSearchRequest: Sendable, Equatable {
    public var query: String
    public var topK: Int
    public var mode: SearchMode
    public var filter: PassageFilter
    /// Results scoring below this are dropped (see ``TextSearchHit/score``).
    public var minScore: Double?
    /// FAISS settings; `nil` fields use the collection's defaults.
    public var parameters: SearchParameters
    /// Whether the search fetches only as many candidates as it returns (a degraded search).
    public var fewerCandidates = false

    public init(
        query: String, topK: Int = 5, mode: SearchMode = .hybrid, filter: PassageFilter = .init(),
        minScore: Double? = nil, parameters: SearchParameters = .default
    ) {
        self.query = query
        self.topK = topK
        self.mode = mode
        self.filter = filter
        self.minScore = minScore
        self.parameters = parameters
    }
}

extension TextSearchRequest {
    /// The cheaper request a server runs under load, with as many results: vector search only
    /// (no keyword ranking to run and fuse), as many candidates as results, an HNSW search
    /// with the smallest candidate list (efSearch 16) and an IVF search of a quarter of the lists.
    public func degraded(defaults: CollectionConfiguration.SearchDefaults) -> TextSearchRequest {
        var request = self
        if mode == .hybrid { request.mode = .vector }
        request.fewerCandidates = true
        request.parameters.efSearch = Self.degradedEfSearch
        request.parameters.nprobe = (parameters.nprobe ?? defaults.nprobe).map { max(1, $0 / 4) }
        return request
    }

    /// efSearch of a degraded HNSW search.
    public static let degradedEfSearch = 16
}
