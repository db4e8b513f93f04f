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
    /// The cheaper request a server runs under load: at most half the results
    /// (at least 1), and HNSW and IVF searches that visit fewer candidates.
    public func degraded() -> TextSearchRequest {
        var request = self
        request.topK = max(1, (topK + 1) / 2)
        request.parameters.efSearch = min(parameters.efSearch ?? 16, 16)
        request.parameters.nprobe = parameters.nprobe.map { max(1, $0 / 4) }
        return request
    }
}
