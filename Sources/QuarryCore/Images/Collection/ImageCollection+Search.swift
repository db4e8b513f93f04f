import Embeddings
import Faiss
import Foundation

extension ImageCollection {
    /// The vector to search with for an encoded image (any format ``ImageFormat`` accepts): the
    /// stored vector of a stored file with the same bytes, so that this file ranks first at
    /// score 1, else the image's embedding, decoded with the collection's limits by a network
    /// using up to `threads` threads.
    /// - Throws: ``ImageDecodingError`` for data that is not a usable image.
    public func queryVector(imageData: Data, threads: Int = 1) throws -> [Float] {
        var timings: [String: Double] = [:]
        return try query(imageData: imageData, threads: threads, fingerprinted: false, timings: &timings).vector
    }

    /// The `topK` images most similar to the image in `imageData` (see ``search(_:)`` and
    /// ``queryVector(imageData:threads:)``), embedded with up to `threads` threads, near ties
    /// ordered by the image's fingerprint. The timings have "decode", "embed" and "fingerprint" stages when
    /// the image had to be embedded.
    /// - Throws: ``ImageDecodingError`` for data that is not a usable image.
    public func search(imageData: Data, topK: Int, nprobe: Int?, filter: ImageFilter, threads: Int) throws -> ImageSearchResult {
        var timings: [String: Double] = [:]
        let (vector, fingerprint) = try query(imageData: imageData, threads: threads, fingerprinted: true, timings: &timings)
        var result = try search(ImageSearchRequest(vector: vector, topK: topK, nprobe: nprobe, filter: filter, fingerprint: fingerprint))
        result.timings.merge(timings) { $0 + $1 }
        return result
    }

    /// The vector of a query image, and its fingerprint if `fingerprinted`: those stored for a
    /// file with the same bytes, else computed.
    private func query(
        imageData: Data, threads: Int, fingerprinted: Bool, timings: inout [String: Double]
    ) throws -> (vector: [Float], fingerprint: ImageFingerprint?) {
        let contentHash = ContentHash.sha256(imageData)
        if let stored = try store.vector(contentHash: contentHash) {
            return (stored, fingerprinted ? try store.fingerprint(contentHash: contentHash) : nil)
        }
        let image = try measure("decode", into: &timings) { try decoder.decode(imageData) }
        let vector = try measure("embed", into: &timings) { try encoder.embed(image, threads: threads) }
        guard fingerprinted else { return (vector, nil) }
        return (vector, try measure("fingerprint", into: &timings) { try ImageFingerprint(of: image, threads: threads) })
    }

    /// The images most similar to `request.vector`. A filter returns min(`topK`, matching)
    /// images: one that few images pass ranks exactly those; with a broader one, the search
    /// fetches more candidates, then probes more IVF lists, until `topK` pass or every list
    /// has been searched. With a fingerprint, the near ties at the top are ordered by it
    /// (``NearTieOrdering``), joined by the stored images whose fingerprints resemble it most
    /// (``FingerprintNeighbours``).
    public func search(_ request: ImageSearchRequest) throws -> ImageSearchResult {
        var timings: [String: Double] = [:]
        let faissIndex = self.index.current
        let nprobe = faissIndex.nlist.map { nlist in min(nlist, request.nprobe ?? defaultNprobe ?? 1) }
        let topK = request.topK + (request.excluding == nil ? 0 : 1)
        let wanted = request.fingerprint == nil ? topK : max(topK, NearTieOrdering.candidates)
        var hits: [(image: StoredImage, score: Double)] = []
        var unknownIDs = 0
        var probed: Int?
        /// The stored, unexcluded images among `neighbours` that pass the filter, best first.
        func passing(_ neighbours: [Neighbor]) throws -> [(image: StoredImage, score: Double)] {
            let images = try measure("metadata", into: &timings) { try store.images(ids: neighbours.map(\.id)) }
            unknownIDs = neighbours.count - images.count
            return neighbours.compactMap { neighbour in
                guard neighbour.id != request.excluding, let image = images[neighbour.id], request.filter.matches(image) else {
                    return nil
                }
                return (image, Double(neighbour.distance))
            }
        }
        if !request.filter.isEmpty, let matching = try store.ids(matching: request.filter, limit: request.exactRankingLimit) {
            let neighbours = try measure("vector", into: &timings) {
                try ExactRanking.top(wanted, of: request.vector, among: matching, in: store, metric: configuration.metric)
            }
            hits = try passing(neighbours)
        } else {
            probed = nprobe
            var k = request.filter.isEmpty ? wanted : max(wanted * 10, 100)
            while true {
                let neighbours = try measure("vector", into: &timings) {
                    try faissIndex.search(request.vector, k: min(k, max(faissIndex.count, 1)), parameters: SearchParameters(nprobe: probed))
                }
                hits = try passing(neighbours)
                if hits.count >= request.topK { break }
                // The probed lists had more to give: ask for more of them.
                if neighbours.count >= k && k < faissIndex.count {
                    k *= 4
                    continue
                }
                // They are exhausted: probe more lists, until all of them have been searched.
                guard let nlist = faissIndex.nlist, let current = probed, current < nlist else { break }
                probed = min(nlist, current * 4)
            }
        }
        if let fingerprint = request.fingerprint {
            let lookalikes = measure("lookalikes", into: &timings) { self.lookalikes(of: fingerprint, for: request) }
            hits = try measure("near ties", into: &timings) {
                try NearTieOrdering.ordered(hits, lookalikes: lookalikes, score: \.score, id: \.image.id, query: fingerprint) {
                    try store.fingerprints(ids: $0)
                }
            }
        }
        if unknownIDs > 0 {
            logger.warning("index returned ids the store does not know", metadata: ["count": "\(unknownIDs)"])
        }
        // Unfiltered, the closest image is the first hit; a filter may have left it out.
        let duplicate =
            try request.filter.isEmpty
            ? hits.first.flatMap { $0.score >= duplicateThreshold ? ImageSearchHit(rank: 1, image: $0.image, score: $0.score) : nil }
            : nearestDuplicate(of: request.vector, excluding: request.excluding)
        return ImageSearchResult(
            hits: hits.prefix(request.topK).enumerated().map {
                ImageSearchHit(rank: $0.offset + 1, image: $0.element.image, score: $0.element.score)
            },
            nprobe: probed, timings: timings, unknownIDs: unknownIDs, duplicateOf: duplicate
        )
    }

    /// The stored images whose fingerprints are nearest `fingerprint` (``FingerprintNeighbours``),
    /// other than the excluded image, that pass the request's filter, each scored exactly
    /// against the request's vector; none when they cannot be read (logged).
    private func lookalikes(of fingerprint: ImageFingerprint, for request: ImageSearchRequest) -> [(image: StoredImage, score: Double)] {
        do {
            let ids = try fingerprintNeighbours.nearest(to: fingerprint, store: store, generation: index.generation)
                .filter { $0 != request.excluding }
            guard !ids.isEmpty else { return [] }
            let scored = try ExactRanking.top(ids.count, of: request.vector, among: ids, in: store, metric: configuration.metric)
            let images = try store.images(ids: ids)
            return scored.compactMap { neighbour in
                images[neighbour.id].flatMap { request.filter.matches($0) ? ($0, Double(neighbour.distance)) : nil }
            }
        } catch {
            logger.warning("cannot find images with a similar fingerprint", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// The images most similar to stored image `id` (itself excluded), or nil if there is no such image.
    public func similar(to id: Int64, topK: Int, nprobe: Int? = nil, filter: ImageFilter = .init()) throws -> ImageSearchResult? {
        guard let vector = try store.vector(id: id) else { return nil }
        let fingerprint = try store.fingerprints(ids: [id])[id]
        return try search(ImageSearchRequest(vector: vector, topK: topK, nprobe: nprobe, filter: filter, excluding: id, fingerprint: fingerprint))
    }
}
