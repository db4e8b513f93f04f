/// What a text search ranks before fusing and de-duplicating: the passages the vector index
/// and the keyword index return, each list best first and already filtered. A sharded
/// collection merges the candidates of every shard and ranks them once, as one search would.
public struct TextSearchCandidates: Sendable, Equatable {
    /// A candidate passage with its score in one ranking.
    public struct Candidate: Sendable, Equatable {
        public let passage: StoredPassage
        public let score: Double

        public init(passage: StoredPassage, score: Double) {
            self.passage = passage
            self.score = score
        }
    }

    /// The vector ranking (cosine similarity), empty in keyword mode.
    public var vector: [Candidate]
    /// The keyword ranking (BM25), empty in vector mode.
    public var keyword: [Candidate]
    /// Seconds spent per stage so far: "embed", "vector", "keyword", "metadata".
    public var timings: [String: Double]
    /// Ids returned by an index that the store does not know (dropped).
    public var unknownIDs: Int

    public init(vector: [Candidate], keyword: [Candidate], timings: [String: Double] = [:], unknownIDs: Int = 0) {
        self.vector = vector
        self.keyword = keyword
        self.timings = timings
        self.unknownIDs = unknownIDs
    }

    /// The candidates of several shards as one search of all of them fetches them: each ranking
    /// merged by score (ties by passage id), a passage that several replicas returned counted
    /// once, cut to the depth `request` fetches. Exact for the vector ranking of an unfiltered
    /// search over exact (Flat) shards; keyword scores are each shard's own BM25.
    public static func merging(_ shards: [TextSearchCandidates], for request: TextSearchRequest) -> TextSearchCandidates {
        let depth = TextCollection.candidateDepth(of: request)
        func merged(_ lists: [[Candidate]]) -> [Candidate] {
            var seen = Set<Int64>()
            return Array(
                lists.joined().sorted { ($0.score, $1.passage.id) > ($1.score, $0.passage.id) }
                    .filter { seen.insert($0.passage.id).inserted }.prefix(depth))
        }
        return TextSearchCandidates(
            vector: merged(shards.map(\.vector)), keyword: merged(shards.map(\.keyword)),
            timings: shards.reduce(into: [:]) { $0.merge($1.timings) { max($0, $1) } }, unknownIDs: shards.reduce(0) { $0 + $1.unknownIDs })
    }
}
