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

    /// What `GET /v1/collections/{name}` reports of the collection of either kind named by the
    /// route's `name` parameter (image categories only when `detailed`), or a 404 or 503 API error.
    func summary(_ context: QuarryRequestContext, detailed: Bool) throws -> CollectionSummary {
        let name = try context.parameters.require("name")
        if let images = imageCollection(named: name) { return try CollectionSummary(images, detailed: detailed) }
        return try CollectionSummary(textCollection(context))
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
