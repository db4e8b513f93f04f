import Foundation
import Hummingbird
import QuarryCore

/// `/v1/collections…`: listing, details and search of text collections.
struct CollectionRoutes {
    let library: CollectionLibrary
    let limits: RequestLimits

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
    }

    func collection(_ context: BasicRequestContext) throws -> TextCollection {
        let name = try context.parameters.require("name")
        guard let collection = library.textCollection(named: name) else { throw APIError.collectionNotFound(name) }
        return collection
    }
}
