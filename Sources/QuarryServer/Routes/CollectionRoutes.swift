import Foundation
import Hummingbird
import QuarryCore

/// `/v1/collections…`: listing and details of every collection; search and documents of text collections.
struct CollectionRoutes {
    let library: CollectionLibrary
    let limits: RequestLimits
    let metrics: QuarryMetrics
    let cache: SearchCache
    let executor: SearchExecutor
    let writes: WriteCoordinator
    /// Cluster mode: searches of sharded collections, fanned out to the nodes holding the other shards.
    let shards: ShardedSearch?

    func register(on groups: RouteGroups) {
        let collections = groups.reads.group("v1/collections")
        collections.get { _, _ in
            let (text, images) = (library.allTextCollections, library.allImageCollections)
            let summaries = try await executor.run {
                try text.map(CollectionSummary.init) + images.map { try CollectionSummary($0, detailed: false) }
            }
            return CollectionList(collections: summaries.sorted { $0.name < $1.name })
        }
        collections.get(":name") { _, context in
            try await library.summary(named: try context.parameters.require("name"), detailed: true, executor: executor)
        }
        groups.searches.group("v1/collections").post(":name/search") { request, context -> Response in
            let collection = try library.textCollection(context)
            let body = try await StrictJSON.decode(SearchRequestBody.self, from: request, limit: limits.maxJSONBodyBytes)
            let searchRequest = try body.validated(limits: limits, defaultTopK: collection.configuration.searchDefaults.topK)
            if let shards = sharding(collection) {
                let degraded = context.isDegraded
                let shardRequest = degraded ? searchRequest.degraded(defaults: collection.configuration.searchDefaults) : searchRequest
                if degraded { metrics.recordDegradedRequest() }
                guard ShardedSearch.isShardPart(request) else {
                    let answer = try await searchShards(shardRequest, of: collection, through: shards, degraded: degraded)
                    return try answer.response(from: request, context: context)
                }
                try ShardedSearch.requireHeld(collection.configuration.heldShards ?? [], by: request)
                let candidates = try await executor.candidates(shardRequest, in: collection, degraded: degraded, limits: limits)
                return try ShardCandidatesResponse(candidates, degraded: degraded).response(from: request, context: context)
            }
            return try await search(searchRequest, of: collection, degraded: context.isDegraded).response(from: request, context: context)
        }
        groups.searches.group("v1/collections").post(":name/search/batch", use: searchBatch)
        groups.writes.group("v1/collections").post(":name/documents", use: addDocuments)
    }

    /// `searchRequest` answered by `collection`, from the cache when it can be.
    private func search(_ searchRequest: TextSearchRequest, of collection: TextCollection, degraded: Bool) async throws -> SearchResponse {
        var searchRequest = searchRequest
        let start = Stopwatch()
        // A full answer from the cache first, loaded or not.
        var key = cache.key(collection, searchRequest)
        if var cached = cache.entries.value(for: key) {
            metrics.recordCacheLookup(hit: true)
            cached.tookMilliseconds = start.milliseconds
            cached.degraded = false
            return cached
        }
        metrics.recordCacheLookup(hit: false)
        if degraded {
            searchRequest = searchRequest.degraded(defaults: collection.configuration.searchDefaults)
            metrics.recordDegradedRequest()
            key = cache.key(collection, searchRequest)
            if var cached = cache.entries.value(for: key) {
                cached.tookMilliseconds = start.milliseconds
                return cached
            }
        }
        let request = searchRequest
        let result = try await executor.search(request, in: collection, degraded: degraded, limits: limits, metrics: metrics)
        let response = SearchResponse(
            collection: collection.name, query: searchRequest.query, mode: searchRequest.mode,
            tookMilliseconds: start.milliseconds,
            degraded: degraded, results: result.hits.map(SearchResponse.Result.init)
        )
        cache.entries.store(response, for: key)
        return response
    }

    /// `POST …/search/batch`: up to ``BatchSearchRequestBody/maxQueries`` searches, their questions
    /// embedded together; answered in order, never from the cache.
    func searchBatch(_ request: Request, _ context: QuarryRequestContext) async throws -> BatchSearchResponse {
        let collection = try library.textCollection(context)
        let body = try await StrictJSON.decode(BatchSearchRequestBody.self, from: request, limit: limits.maxJSONBodyBytes)
        try body.validate()
        let degraded = context.isDegraded
        let defaults = collection.configuration.searchDefaults
        let requests = try body.queries.map { query in
            let validated = try query.validated(limits: limits, defaultTopK: defaults.topK)
            return degraded ? validated.degraded(defaults: defaults) : validated
        }
        if degraded { metrics.recordDegradedRequest() }
        let start = Stopwatch()
        if let shards = sharding(collection) {
            var answers: [SearchResponse] = []
            for searchRequest in requests {
                answers.append(try await searchShards(searchRequest, of: collection, through: shards, degraded: degraded))
            }
            return BatchSearchResponse(
                collection: collection.name, tookMilliseconds: start.milliseconds, degraded: answers.contains(where: \.degraded),
                searches: answers.map { .init(query: $0.query, mode: $0.mode, results: $0.results) }
            )
        }
        let results = try await executor.search(batch: requests, in: collection, degraded: degraded, limits: limits, metrics: metrics)
        return BatchSearchResponse(
            collection: collection.name, tookMilliseconds: start.milliseconds,
            degraded: degraded,
            searches: zip(requests, results).map { request, result in
                .init(query: request.query, mode: request.mode, results: result.hits.map(SearchResponse.Result.init))
            }
        )
    }

    /// The fan-out of `collection`'s searches when it is a sharded cluster collection.
    private func sharding(_ collection: TextCollection) -> ShardedSearch? {
        collection.configuration.sharding == nil ? nil : shards
    }

    /// `searchRequest` answered from the candidates of every shard of `collection`, ranked here;
    /// never cached, since the other shards change without this node's cache hearing of it.
    private func searchShards(
        _ searchRequest: TextSearchRequest, of collection: TextCollection, through shards: ShardedSearch, degraded: Bool
    ) async throws -> SearchResponse {
        let start = Stopwatch()
        let (executor, limits) = (executor, limits)
        let answer = try await shards.candidates(searchRequest, in: collection.name) {
            try await executor.candidates(searchRequest, in: collection, degraded: degraded, limits: limits)
        }
        let result = TextCollection.rank(answer.candidates, for: searchRequest)
        metrics.recordSearch(
            collection: collection.name, model: collection.configuration.model, timings: result.timings, unknownIDs: result.unknownIDs)
        return SearchResponse(
            collection: collection.name, query: searchRequest.query, mode: searchRequest.mode, tookMilliseconds: start.milliseconds,
            degraded: degraded || answer.degraded, results: result.hits.map(SearchResponse.Result.init)
        )
    }

    /// `POST …/documents`: adds or replaces documents given as JSON text, or
    /// uploaded as files (`multipart/form-data`, any format a reader supports).
    func addDocuments(_ request: Request, _ context: QuarryRequestContext) async throws -> EditedResponse<DocumentsResponse> {
        let collection = try library.textCollection(context)
        let ingestor = try DocumentIngestor(countingTokensWith: collection.encoder)
        let documents: [TextDocument]
        // Reading (PDF, Office) and chunking run on the executor's threads, not on the request task.
        if MultipartUpload.isMultipart(request) {
            let files = try await MultipartUpload.files(from: request, limit: limits.maxUploadBytes, shape: limits.multipartShape)
            documents = try await executor.run {
                try files.map { file in
                    try readable(file.name) { () throws(DocumentReadError) in try ingestor.document(uploaded: file.data, named: file.name) }
                }
            }
        } else {
            let body = try await StrictJSON.decode(DocumentsRequestBody.self, from: request, limit: limits.maxJSONBodyBytes)
            try body.validate()
            documents = try await executor.run {
                try body.documents.map { document in
                    let prepared = try readable(document.source) { () throws(DocumentReadError) in
                        try ingestor.document(text: document.text, source: document.source, metadata: document.metadata ?? [:])
                    }
                    return document.applied(to: prepared)
                }
            }
        }
        var response = DocumentsResponse(collection: collection.name)
        for document in documents {
            let outcome = try await writes.store(document, in: collection, executor: executor, metrics: metrics)
            response.documents.append(.init(source: document.source, status: outcome.changed ? "stored" : "unchanged", passages: outcome.passages))
            response.seq = WriteSequence(outcome.sequence ?? response.seq.value)
        }
        response.vectors = collection.vectorCount
        return EditedResponse(status: .created, response: response)
    }

    /// What `read` returns; a document it cannot read answers 422 naming `source`.
    func readable(_ source: String, _ read: () throws(DocumentReadError) -> TextDocument) throws(APIError) -> TextDocument {
        do {
            return try read()
        } catch {
            throw APIError(.unprocessableContent, code: "unreadable_document", message: "\(source): \(error.description)")
        }
    }
}
