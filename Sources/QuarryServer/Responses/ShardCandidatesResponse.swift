import Hummingbird
import QuarryCore

/// What a node answers for its own shards when another node fans a search of a sharded
/// collection out to it (`Quarry-Shard-Scope: candidates`): the candidates of both rankings,
/// in the form of search results, which the asking node merges and ranks.
struct ShardCandidatesResponse: ResponseEncodable, Decodable, Sendable {
    var degraded: Bool
    var vector: [SearchResponse.Result]
    var keyword: [SearchResponse.Result]

    init(_ candidates: TextSearchCandidates, degraded: Bool) {
        self.degraded = degraded
        vector = Self.results(candidates.vector)
        keyword = Self.results(candidates.keyword)
    }

    /// The candidates this answer carries.
    var candidates: TextSearchCandidates {
        let unpack = { (results: [SearchResponse.Result]) in
            results.map { TextSearchCandidates.Candidate(passage: $0.hit.passage, score: $0.hit.score) }
        }
        return TextSearchCandidates(vector: unpack(vector), keyword: unpack(keyword))
    }

    private static func results(_ ranking: [TextSearchCandidates.Candidate]) -> [SearchResponse.Result] {
        ranking.enumerated().map { offset, candidate in
            SearchResponse.Result(
                hit: TextSearchHit(rank: offset + 1, passage: candidate.passage, score: candidate.score, highlights: .init(sentence: nil, terms: [])))
        }
    }
}
