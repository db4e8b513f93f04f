import QuarryCore

extension SearchExecutor {
    /// Runs `request` on `collection` on one of the executor's threads, refusing a query longer
    /// than `limits` allows in model tokens, and records the search in `metrics`; `degraded`
    /// searches are timed apart (see ``predictedLatency(degraded:)``).
    func search(
        _ request: TextSearchRequest, in collection: TextCollection, degraded: Bool, limits: RequestLimits, metrics: QuarryMetrics
    ) async throws -> TextSearchResult {
        let result = try await run(.search(degraded: degraded)) {
            try limits.checkQueryTokens(collection.queryTokenCount(request.query))
            return try collection.search(request)
        }
        metrics.recordSearch(
            collection: collection.name, model: collection.configuration.model, timings: result.timings, unknownIDs: result.unknownIDs)
        return result
    }

    /// The candidates `collection` gives `request` (this node's part of a search of a sharded
    /// collection), on one of the executor's threads, refusing a query longer than `limits` allows.
    func candidates(
        _ request: TextSearchRequest, in collection: TextCollection, degraded: Bool, limits: RequestLimits
    ) async throws -> TextSearchCandidates {
        try await run(.search(degraded: degraded)) {
            try limits.checkQueryTokens(collection.queryTokenCount(request.query))
            return try collection.candidates(for: request)
        }
    }

    /// Runs `requests` on `collection` as one job, their questions embedded together (split
    /// among the executor's threads when no other job runs), refusing any longer than `limits`
    /// allows in model tokens; records each search in `metrics`.
    func search(
        batch requests: [TextSearchRequest], in collection: TextCollection, degraded: Bool, limits: RequestLimits, metrics: QuarryMetrics
    ) async throws -> [TextSearchResult] {
        let results = try await runSharing(.search(degraded: degraded)) { threads in
            for request in requests { try limits.checkQueryTokens(collection.queryTokenCount(request.query)) }
            return try collection.search(batch: requests, threads: threads)
        }
        for result in results {
            metrics.recordSearch(
                collection: collection.name, model: collection.configuration.model, timings: result.timings, unknownIDs: result.unknownIDs)
        }
        return results
    }
}
