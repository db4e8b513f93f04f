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
        groups.searches.group("v1/collections").post(":name/search") { request, context in
            let collection = try library.textCollection(context)
            let body = try await StrictJSON.decode(SearchRequestBody.self, from: request, limit: limits.maxJSONBodyBytes)
            var searchRequest = try body.validated(limits: limits, defaultTopK: collection.configuration.searchDefaults.topK)
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
            let degraded = context.isDegraded
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
        groups.searches.group("v1/collections").post(":name/search/batch", use: searchBatch)
        groups.writes.group("v1/collections").post(":name/documents", use: addDocuments)
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
        let results = try await executor.search(batch: requests, in: collection, degraded: degraded, limits: limits, metrics: metrics)
        return BatchSearchResponse(
            collection: collection.name, tookMilliseconds: start.milliseconds,
            degraded: degraded,
            searches: zip(requests, results).map { request, result in
                .init(query: request.query, mode: request.mode, results: result.hits.map(SearchResponse.Result.init))
            }
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
