import Foundation

extension ImageCollection {
    /// The stored images of `ids` with their files and vectors, in id order: what
    /// ``save(_:)`` (or a cluster) needs to store them again elsewhere. Ids not stored are skipped.
    public func embeddedImages(ids: [Int64]) throws -> [EmbeddedImage] {
        var embedded: [EmbeddedImage] = []
        try store.forEachVectorBatch(ids: ids, batchSize: max(ids.count, 1)) { batchIDs, vectors in
            let images = try store.images(ids: batchIDs)
            for (offset, id) in batchIDs.enumerated() {
                guard let image = images[id], let file = mediaFile(for: image) else { continue }
                let vector = Array(vectors[offset * store.dimension..<(offset + 1) * store.dimension])
                embedded.append(EmbeddedImage(image: NewImage(image, vector: vector), data: try Data(contentsOf: file)))
            }
        }
        return embedded
    }
}
