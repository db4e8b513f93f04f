import Foundation
import Hummingbird
import QuarryCore

/// Admin routes that change collections in place: deleting documents and
/// items, and rebuilding an index. Every one needs the admin token.
struct MaintenanceRoutes {
    let library: CollectionLibrary
    let limits: RequestLimits
    let executor: SearchExecutor
    let writes: WriteCoordinator

    struct Deletion: ResponseEncodable {
        let collection: String
        let removed: Int
        let vectors: Int
        var seq = WriteSequence()
    }

    struct Reindexed: ResponseEncodable {
        let collection: String
        let index: String
        let vectors: Int
        let seconds: Double
        let seq = WriteSequence()
    }

    func register(on groups: RouteGroups) {
        let collections = groups.writes.group("v1/collections")
        collections.delete(":name/documents", use: deleteDocument)
        collections.delete(":name/items/:id", use: deleteItem)
        collections.post(":name/reindex", use: reindex)
    }

    /// `DELETE …/documents?source=…`: a text document and all its passages.
    func deleteDocument(_ request: Request, _ context: QuarryRequestContext) async throws -> Deletion {
        let collection = try library.textCollection(context)
        let name = collection.name
        guard let source = request.uri.queryParameters["source"].map(String.init), !source.isEmpty else {
            throw APIError.invalidRequest("give the document as ?source=<path>")
        }
        let outcome = try await writes.deleteDocument(source: source, in: collection, executor: executor)
        guard outcome.changed else {
            throw APIError(.notFound, code: "document_not_found", message: "collection \"\(name)\" has no document \"\(source)\"")
        }
        return Deletion(collection: name, removed: outcome.passages, vectors: collection.vectorCount, seq: WriteSequence(outcome.sequence))
    }

    /// `DELETE …/items/{id}`: one passage of a text collection or one image of an image collection.
    func deleteItem(_ request: Request, _ context: QuarryRequestContext) async throws -> Deletion {
        let name = try context.parameters.require("name")
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw APIError.itemNotFound(text, collection: name) }
        let collection: any IndexedCollection
        if let text = library.textCollection(named: name) {
            collection = text
        } else if let images = library.imageCollection(named: name) {
            collection = images
        } else {
            throw library.absentCollection(name)
        }
        let outcome = try await writes.deleteItem(id, in: collection, executor: executor)
        guard outcome.changed else { throw APIError.itemNotFound(text, collection: name) }
        return Deletion(collection: name, removed: outcome.passages, vectors: collection.vectorCount, seq: WriteSequence(outcome.sequence))
    }

    /// `POST …/reindex`: rebuilds the index from the stored vectors beside the live one and swaps it in.
    func reindex(_ request: Request, _ context: QuarryRequestContext) async throws -> Reindexed {
        let name = try context.parameters.require("name")
        guard let collection = library.collection(named: name) else { throw library.absentCollection(name) }
        let body: ReindexRequestBody? =
            request.headers[.contentLength] == "0" || request.headers[.contentType] == nil
            ? nil : try await StrictJSON.decode(ReindexRequestBody.self, from: request, limit: limits.maxJSONBodyBytes)
        let start = Stopwatch()
        let factory: String
        do {
            factory = try await executor.run(.rebuild) { try collection.reindex(factory: body?.factory) }
        } catch CollectionError.invalidFactory(let factory, let reason) {
            throw APIError.invalidRequest("cannot build index \"\(factory)\": \(reason)")
        } catch let error as CollectionError {
            guard case .tooFewVectorsToTrain = error else { throw error }
            throw APIError(.unprocessableContent, code: "too_few_vectors", message: error.description)
        }
        return Reindexed(
            collection: name, index: factory, vectors: collection.vectorCount,
            seconds: start.seconds
        )
    }
}
