import Embeddings
import Faiss
import Foundation

extension TextCollection {
    /// Answers a question: embeds it (with the model's query prefix), searches
    /// the index and/or the keyword index, fuses the rankings, loads metadata,
    /// filters, drops near-duplicates and applies `minScore`.
    public func search(_ request: TextSearchRequest) throws -> TextSearchResult {
        try search(request, embedding: nil)
    }

    /// Answers several questions, as ``search(_:)`` answers each, in order: split into up to
    /// `threads` parts run at once, each embedding the questions that need it in one batch.
    public func search(batch requests: [TextSearchRequest], threads: Int = 1) throws -> [TextSearchResult] {
        try parallelMapRanges(requests.count, threads: threads) { range in
            Result { try searchTogether(Array(requests[range])) }
        }.flatMap { try $0.get() }
    }

    /// ``search(batch:threads:)`` on the calling thread: the questions embedded in one batch.
    private func searchTogether(_ requests: [TextSearchRequest]) throws -> [TextSearchResult] {
        let embedded = requests.indices.filter { requests[$0].mode != .keyword }
        var timings: [String: Double] = [:]
        var embeddings = [[Float]?](repeating: nil, count: requests.count)
        if !embedded.isEmpty {
            let matrix = try measure("embed", into: &timings) { try encoder.embed(embedded.map { requests[$0].query }, role: .query) }
            for (row, index) in embedded.enumerated() { embeddings[index] = Array(matrix[row]) }
        }
        // The batch's embedding time, shared out evenly.
        let share = (timings["embed"] ?? 0) / Double(max(embedded.count, 1))
        return try requests.indices.map { index in
            var result = try search(requests[index], embedding: embeddings[index])
            if embeddings[index] != nil { result.timings["embed"] = share }
            return result
        }
    }

    /// ``search(_:)`` with the question's embedding given, or computed when nil.
    private func search(_ request: TextSearchRequest, embedding: [Float]?) throws -> TextSearchResult {
        Self.rank(try candidates(for: request, embedding: embedding), for: request)
    }

    /// The passages ``search(_:)`` would rank for `request`, before fusing and de-duplicating:
    /// what this collection (or shard) contributes to a search of a sharded collection.
    public func candidates(for request: TextSearchRequest) throws -> TextSearchCandidates {
        try candidates(for: request, embedding: nil)
    }

    /// How many candidates each ranking of `request` fetches.
    static func candidateDepth(of request: TextSearchRequest) -> Int {
        request.fewerCandidates ? request.topK : candidateCount(topK: request.topK, filtered: !request.filter.isEmpty)
    }

    /// ``candidates(for:)`` with the question's embedding given, or computed when nil.
    private func candidates(for request: TextSearchRequest, embedding: [Float]?) throws -> TextSearchCandidates {
        var timings: [String: Double] = [:]
        let candidates = Self.candidateDepth(of: request)
        var parameters = request.parameters
        let defaults = configuration.searchDefaults
        parameters.efSearch = parameters.efSearch ?? defaults.efSearch
        parameters.nprobe = parameters.nprobe ?? defaults.nprobe

        // The passages a filter that few pass lets through: both rankings consider only those.
        let matching = request.filter.isEmpty ? nil : try store.ids(matching: request.filter, limit: ExactRanking.maximumItems)
        /// The vector ranking, or none in keyword mode; with the timings of its stages.
        let rankByVector = { () throws -> (ranking: [(id: Int64, score: Double)], timings: [String: Double]) in
            var timings: [String: Double] = [:]
            guard request.mode != .keyword else { return ([], timings) }
            let query = try embedding ?? measure("embed", into: &timings) { try self.queryEmbedding(request.query) }
            let ranking = try measure("vector", into: &timings) {
                // A filter that few passages pass ranks exactly those: none is missed.
                let neighbours =
                    if let matching {
                        try ExactRanking.top(candidates, of: query, among: matching, in: self.store, metric: self.configuration.metric)
                    } else {
                        try self.index.current.search(query, k: candidates, parameters: parameters)
                    }
                return neighbours.map { (id: $0.id, score: Double($0.distance)) }
            }
            return (ranking, timings)
        }
        /// The keyword ranking, or none in vector mode; with its timing.
        let rankByKeyword = { () throws -> (ranking: [(id: Int64, score: Double)], timings: [String: Double]) in
            var timings: [String: Double] = [:]
            guard request.mode != .vector else { return ([], timings) }
            let ranking = try measure("keyword", into: &timings) {
                try self.keywords.search(request.query, limit: candidates, allowed: matching)
            }
            return (ranking, timings)
        }
        // The keyword ranking needs no embedding: in hybrid mode it runs beside it.
        let (vector, keyword) =
            request.mode == .hybrid
            ? try concurrently(rankByVector, rankByKeyword)
            : (try rankByVector(), try rankByKeyword())
        let vectorRanking = vector.ranking
        let keywordRanking = keyword.ranking
        timings.merge(vector.timings.merging(keyword.timings) { $0 + $1 }) { $0 + $1 }

        let ids = Array(Set(vectorRanking.map(\.id) + keywordRanking.map(\.id)))
        let passages = try measure("metadata", into: &timings) { try store.passages(ids: ids) }
        let unknownIDs = ids.filter { passages[$0] == nil }.count
        if unknownIDs > 0 {
            logger.warning("index returned ids the store does not know", metadata: ["count": "\(unknownIDs)"])
        }
        let known = { (ranking: [(id: Int64, score: Double)]) in
            ranking.compactMap { candidate in
                passages[candidate.id].flatMap {
                    request.filter.matches($0) ? TextSearchCandidates.Candidate(passage: $0, score: candidate.score) : nil
                }
            }
        }
        return TextSearchCandidates(vector: known(vectorRanking), keyword: known(keywordRanking), timings: timings, unknownIDs: unknownIDs)
    }

    /// The answer to `request` from its `candidates`: the rankings fused (hybrid mode),
    /// `minScore` applied, near-duplicates dropped, highlights marked.
    public static func rank(_ candidates: TextSearchCandidates, for request: TextSearchRequest) -> TextSearchResult {
        var timings = candidates.timings
        let ranked: [TextSearchCandidates.Candidate] = measure("fuse", into: &timings) {
            switch request.mode {
            case .vector: return candidates.vector
            case .keyword: return candidates.keyword
            case .hybrid:
                // Each list as deep as an unfiltered search fetches, so that filters do not change the rescaling.
                let depth = candidateCount(topK: request.topK, filtered: false)
                var passages: [Int64: StoredPassage] = [:]
                for candidate in candidates.vector + candidates.keyword { passages[candidate.passage.id] = candidate.passage }
                let fused = ScoreFusion().fuse(
                    vector: candidates.vector.prefix(depth).map { (id: $0.passage.id, score: $0.score) },
                    keyword: candidates.keyword.prefix(depth).map { (id: $0.passage.id, score: $0.score) })
                return fused.map { TextSearchCandidates.Candidate(passage: passages[$0.id]!, score: $0.score) }
            }
        }
        let eligible = ranked.filter { $0.score >= (request.minScore ?? -.infinity) }
        let deduplicated = measure("deduplicate", into: &timings) {
            ResultDeduplicator().deduplicate(eligible.map { (passage: $0.passage, score: $0.score) }, limit: request.topK)
        }
        let markedTerms = Highlights.markedTerms(of: request.query)
        let hits =
            deduplicated
            .enumerated()
            .map {
                TextSearchHit(
                    rank: $0.offset + 1, passage: $0.element.passage, score: $0.element.score,
                    highlights: Highlights(of: $0.element.passage.text, marking: markedTerms)
                )
            }
        return TextSearchResult(hits: hits, timings: timings, unknownIDs: candidates.unknownIDs)
    }

    /// Number of tokens the model would feed for question `text`.
    public func queryTokenCount(_ text: String) -> Int {
        encoder.tokenCount(text, role: .query)
    }

    /// The embedding of question `text`, from ``queryEmbeddings`` when it was asked recently.
    func queryEmbedding(_ text: String) throws -> [Float] {
        if let cached = queryEmbeddings.value(for: text) { return cached }
        let vector = try encoder.embed(text, role: .query)
        queryEmbeddings.store(vector, for: text)
        return vector
    }

    /// Candidates fetched per ranking: enough for fusion, de-duplication and filtering to still fill `topK`.
    static func candidateCount(topK: Int, filtered: Bool) -> Int {
        filtered ? min(max(topK * 20, 200), 2_000) : max(topK * 4, ScoreFusion.listDepth)
    }
}

/// Runs `body` and records its duration in seconds under `stage`.
func measure<T>(_ stage: String, into timings: inout [String: Double], _ body: () throws -> T) rethrows -> T {
    let start = Stopwatch()
    defer { timings[stage, default: 0] += start.seconds }
    return try body()
}
