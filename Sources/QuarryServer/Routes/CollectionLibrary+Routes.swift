import Hummingbird
import QuarryCore

extension CollectionLibrary {
    /// The text collection named by the route's `name` parameter, or a 404 (no such
    /// collection), 503 (one that could not be opened) or 400 (an image collection) API error.
    func textCollection(_ context: QuarryRequestContext) throws -> TextCollection {
        let name = try context.parameters.require("name")
        guard let collection = textCollection(named: name) else {
            throw missingCollection(name, wanted: .text, hint: "use POST /v1/collections/\(name)/search/image")
        }
        return collection
    }

    /// The image collection named by the route's `name` parameter, or a 404, 503 or 400 API error.
    func imageCollection(_ context: QuarryRequestContext) throws -> ImageCollection {
        let name = try context.parameters.require("name")
        guard let collection = imageCollection(named: name) else {
            throw missingCollection(name, wanted: .image, hint: "search it with POST /v1/collections/\(name)/search")
        }
        return collection
    }

    /// What `GET /v1/collections/{name}` reports of the collection `name` of either kind (image
    /// categories only when `detailed`), or a 404 or 503 API error. The store's counts run on
    /// `executor`: on a large store they take long.
    func summary(named name: String, detailed: Bool, executor: SearchExecutor) async throws -> CollectionSummary {
        if let images = imageCollection(named: name) { return try await executor.run { try CollectionSummary(images, detailed: detailed) } }
        guard let text = textCollection(named: name) else { throw absentCollection(name) }
        return try await executor.run { try CollectionSummary(text) }
    }

    /// The error for a collection `name` that is not open: 503 when it exists but could not be
    /// opened, else 404.
    func absentCollection(_ name: String) -> APIError {
        guard let broken = unavailableCollection(named: name) else { return APIError.collectionNotFound(name) }
        return APIError.collectionUnavailable(broken)
    }

    private func missingCollection(_ name: String, wanted: CollectionKind, hint: String) -> APIError {
        guard let other = collection(named: name) else { return absentCollection(name) }
        return APIError.invalidRequest("collection \"\(name)\" holds \(other.configuration.kind.rawValue), not \(wanted.rawValue); \(hint)")
    }
}
