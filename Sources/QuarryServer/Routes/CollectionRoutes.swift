import Foundation
import Hummingbird
import QuarryCore

/// `/v1/collections…`: listing, details and search of text collections.
struct CollectionRoutes {
    let library: CollectionLibrary
    let limits: RequestLimits
    let authorization: AdminAuthorization

    func register(on router: Router<BasicRequestContext>) {
        let collections = router.group("v1/collections")
        collections.get { _, _ in
            CollectionList(collections: try library.allTextCollections.map(CollectionSummary.init))
        }
        collections.get(":name") { _, context in
            try CollectionSummary(collection(context))
        }
        collections.post(":name/search") { request, context in
            let collection = try collection(context)
            let body = try await StrictJSON.decode(SearchRequestBody.self, from: request, limit: limits.maxJSONBodyBytes)
            let searchRequest = try body.validated(limits: limits, defaultTopK: collection.configuration.searchDefaults.topK)
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try collection.search(searchRequest)
            return SearchResponse(
                collection: collection.name, query: searchRequest.query, mode: searchRequest.mode,
                tookMilliseconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6,
                degraded: false, results: result.hits.map(SearchResponse.Result.init)
            )
        }
        collections.post(":name/documents", use: addDocuments)
    }

    /// `POST …/documents`: adds or replaces documents given as JSON text.
    func addDocuments(_ request: Request, _ context: BasicRequestContext) async throws -> EditedResponse<DocumentsResponse> {
        try authorization.check(request)
        let collection = try collection(context)
        let body = try await StrictJSON.decode(DocumentsRequestBody.self, from: request, limit: limits.maxJSONBodyBytes)
        try body.validate()
        let ingestor = DocumentIngestor(chunker: try Chunker(
            configuration: DocumentIngestor.defaultChunking, tokenCounter: EncoderTokenCounter(encoder: collection.encoder)
        ))
        var response = DocumentsResponse(collection: collection.name)
        for document in body.documents {
            let name = document.source.hasSuffix(".md") || document.source.hasSuffix(".markdown") ? document.source : document.source + ".txt"
            let content: DocumentContent
            do {
                content = try ingestor.readers.read(data: Data(document.text.utf8), name: name)
            } catch {
                throw APIError(.unprocessableContent, code: "unreadable_document", message: "\(document.source): \(error.description)")
            }
            var prepared = ingestor.prepare(content, source: document.source, metadata: document.metadata ?? [:])
            for index in prepared.passages.indices {
                if let chapter = document.chapter {
                    let inner = prepared.passages[index].chapter
                    prepared.passages[index].chapter = inner.isEmpty ? chapter : chapter + " > " + inner
                }
                if let page = document.page { prepared.passages[index].page = page }
            }
            if let change = try collection.add(prepared) {
                response.documents.append(.init(source: document.source, status: "stored", passages: change.addedIDs.count))
            } else {
                response.documents.append(.init(source: document.source, status: "unchanged", passages: 0))
            }
        }
        response.vectors = collection.index.count
        return EditedResponse(status: .created, response: response)
    }

    func collection(_ context: BasicRequestContext) throws -> TextCollection {
        let name = try context.parameters.require("name")
        guard let collection = library.textCollection(named: name) else { throw APIError.collectionNotFound(name) }
        return collection
    }
}
