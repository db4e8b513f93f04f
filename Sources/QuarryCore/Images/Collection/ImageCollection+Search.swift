import Embeddings
import Faiss
import Foundation

extension ImageCollection {
    /// The embedding of an encoded image (JPEG, PNG, WebP), decoded with the collection's limits.
    /// - Throws: ``ImageDecodingError`` for data that is not a usable image.
    public func embed(imageData: Data) throws -> [Float] {
        try encoder.embed(decoder.decode(imageData))
    }

    /// The images most similar to `request.vector`. A filter that few images pass ranks exactly
    /// those; with a broader one, the search fetches more candidates until `topK` pass it or
    /// the index has no more to give.
    public func search(_ request: ImageSearchRequest) throws -> ImageSearchResult {
        var timings: [String: Double] = [:]
        let faissIndex = self.index.current
        let nprobe = faissIndex.nlist.map { nlist in min(nlist, request.nprobe ?? defaultNprobe ?? 1) }
        if !request.filter.isEmpty, let matching = try store.ids(matching: request.filter, limit: ExactRanking.maximumItems) {
            let wanted = request.topK + (request.excluding == nil ? 0 : 1)
            let neighbours = try measure("vector", into: &timings) {
                try ExactRanking.top(wanted, of: request.vector, among: matching, in: store, metric: configuration.metric)
            }
            let images = try measure("metadata", into: &timings) { try store.images(ids: neighbours.map(\.id)) }
            let hits = neighbours.compactMap { neighbour in
                images[neighbour.id].flatMap { neighbour.id == request.excluding ? nil : ImageSearchHit(rank: 0, image: $0, score: Double(neighbour.distance)) }
            }
            return ImageSearchResult(
                hits: hits.prefix(request.topK).enumerated().map { ImageSearchHit(rank: $0.offset + 1, image: $0.element.image, score: $0.element.score) },
                nprobe: nil, timings: timings, unknownIDs: 0
            )
        }
        let parameters = SearchParameters(nprobe: nprobe)
        let wanted = request.topK + (request.excluding == nil ? 0 : 1)
        var k = request.filter.isEmpty ? wanted : max(wanted * 10, 100)
        var hits: [(image: StoredImage, score: Double)] = []
        var unknownIDs = 0
        while true {
            let neighbors = try measure("vector", into: &timings) {
                try faissIndex.search(request.vector, k: min(k, max(faissIndex.count, 1)), parameters: parameters)
            }
            let images = try measure("metadata", into: &timings) { try store.images(ids: neighbors.map(\.id)) }
            unknownIDs = neighbors.count - images.count
            hits = neighbors.compactMap { neighbor in
                guard neighbor.id != request.excluding, let image = images[neighbor.id], request.filter.matches(image) else {
                    return nil
                }
                return (image, Double(neighbor.distance))
            }
            // Done when enough passed, or the index returned fewer than asked (nothing more to find).
            if hits.count >= request.topK || neighbors.count < k || k >= faissIndex.count { break }
            k *= 4
        }
        if unknownIDs > 0 {
            logger.warning("index returned ids the store does not know", metadata: ["count": "\(unknownIDs)"])
        }
        return ImageSearchResult(
            hits: hits.prefix(request.topK).enumerated().map { ImageSearchHit(rank: $0.offset + 1, image: $0.element.image, score: $0.element.score) },
            nprobe: nprobe, timings: timings, unknownIDs: unknownIDs
        )
    }

    /// The images most similar to stored image `id` (itself excluded), or nil if there is no such image.
    public func similar(to id: Int64, topK: Int, nprobe: Int? = nil, filter: ImageFilter = .init()) throws -> ImageSearchResult? {
        guard let vector = try store.vector(id: id) else { return nil }
        return try search(ImageSearchRequest(vector: vector, topK: topK, nprobe: nprobe, filter: filter, excluding: id))
    }
}
