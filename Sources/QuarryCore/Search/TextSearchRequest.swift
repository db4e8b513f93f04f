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
