import Embeddings
import Foundation

extension ImageCollection {
    /// Thumbnails are JPEGs at most this many pixels on their longest side.
    public static let thumbnailSide = 160
    /// Side fraction of the centre crop whose embedding is averaged into a stored image's vector.
    public static let storedCropFraction = 0.9

    /// Decodes, embeds and stores `inputs`: each image file is written to the
    /// media folder with its thumbnail, then the rows are committed to the
    /// store in one transaction, then the vectors are added to the index. An
    /// unusable image fails alone; an unchanged one (same path and content) is skipped.
    ///
    /// An index that is not trained yet (an IVF collection created empty) is
    /// built from the stored vectors once they are committed.
    public func add(_ inputs: [ImageInput]) throws -> ImageAddResult {
        var result = ImageAddResult()
        var prepared: [(offset: Int, image: NewImage)] = []
        var decoded: [DecodedImage] = []
        result.outcomes = Array(repeating: .unchanged, count: inputs.count)
        let thumbnailer = ImageThumbnailer(maxSide: Self.thumbnailSide, decoder: decoder)
        for (offset, input) in inputs.enumerated() {
            guard ImageInput.isSafeRelativePath(input.path) else {
                result.outcomes[offset] = .failed(reason: "\(input.path): not a safe relative path")
                continue
            }
            let hash = ContentHash.sha256(input.data)
            if try store.contentHash(ofPath: input.path) == hash { continue }
            do {
                let image = try decoder.decode(input.data)
                try write(input.data, to: mediaURL.appendingPathComponent(input.path))
                let thumbnail = thumbnailsURL.appendingPathComponent(hash + ".jpg")
                if !FileManager.default.fileExists(atPath: thumbnail.path) {
                    try write(thumbnailer.thumbnail(of: image), to: thumbnail)
                }
                decoded.append(image)
                prepared.append((offset, NewImage(
                    path: input.path, category: input.category, price: input.price, title: input.title,
                    metadata: input.metadata, width: image.width, height: image.height, contentHash: hash, vector: []
                )))
            } catch let error as ImageDecodingError {
                result.outcomes[offset] = .failed(reason: "\(input.path): \(error.description)")
            }
        }
        guard !prepared.isEmpty else { return result }
        let vectors = try storedEmbeddings(of: decoded)
        for position in prepared.indices { prepared[position].image.vector = vectors[position] }
        // The files reach the disk before the rows that point to them are committed.
        AtomicFile.synchronizeFileSystem()
        let (change, ids) = try commit(prepared.map(\.image))
        for (item, id) in zip(prepared, ids) {
            if let id { result.outcomes[item.offset] = .stored(id: id) }
        }
        result.replacedIDs = change.removedIDs
        return result
    }

    /// The embeddings stored for `images`: for each, the mean of the embedding
    /// of the whole image and that of its centre crop (``storedCropFraction`` of
    /// each side), normalised again, so that a query showing the item a little
    /// closer still finds it first. Runs on every core.
    func storedEmbeddings(of images: [DecodedImage]) throws -> [[Float]] {
        let crops = images.map { image in
            let width = max(1, Int((Double(image.width) * Self.storedCropFraction).rounded()))
            let height = max(1, Int((Double(image.height) * Self.storedCropFraction).rounded()))
            return image.cropped(x: (image.width - width) / 2, y: (image.height - height) / 2, width: width, height: height)
        }
        let views = try encoder.embed(batch: images + crops, threads: ProcessInfo.processInfo.activeProcessorCount)
        return (0..<images.count).map { offset in
            let sum = zip(views[offset], views[images.count + offset]).map { $0 + $1 }
            let norm = max(sum.reduce(0) { $0 + $1 * $1 }.squareRoot(), .leastNormalMagnitude)
            return sum.map { $0 / norm }
        }
    }

    /// Copies every image of `other` (same model) into this collection: files,
    /// thumbnails, metadata and stored vectors — nothing is embedded again. Images
    /// are known by path: an unchanged one is skipped, a changed one replaced.
    /// Returns the images copied.
    @discardableResult
    public func merge(from other: ImageCollection) throws -> Int {
        try requireMergeable(other)
        var copied = 0
        try other.store.forEachVectorBatch(ids: nil, batchSize: 256) { ids, vectors in
            let images = try other.store.images(ids: ids)
            var batch: [NewImage] = []
            for (offset, id) in ids.enumerated() {
                guard let image = images[id], try store.contentHash(ofPath: image.path) != image.contentHash,
                    let source = other.mediaFile(for: image)
                else { continue }
                try FileManager.default.createDirectory(
                    at: mediaURL.appendingPathComponent(image.path).deletingLastPathComponent(), withIntermediateDirectories: true
                )
                try AtomicFile.write(Data(contentsOf: source), to: mediaURL.appendingPathComponent(image.path), synchronize: false)
                let thumbnail = other.thumbnailFile(for: image)
                if FileManager.default.fileExists(atPath: thumbnail.path) {
                    try AtomicFile.write(Data(contentsOf: thumbnail), to: thumbnailFile(for: image), synchronize: false)
                }
                batch.append(NewImage(
                    path: image.path, category: image.category, price: image.price, title: image.title, metadata: image.metadata,
                    width: image.width, height: image.height, contentHash: image.contentHash,
                    vector: Array(vectors[offset * store.dimension..<(offset + 1) * store.dimension])
                ))
            }
            guard !batch.isEmpty else { return }
            AtomicFile.synchronizeFileSystem()
            copied += try commit(batch).change.addedIDs.count
        }
        return copied
    }

    /// Deletes images by id (rows, then vectors); returns the ids that existed.
    @discardableResult
    public func delete(ids: [Int64]) throws -> [Int64] {
        try index.commit {
            let removed = try store.delete(ids: ids)
            return (removed, StoreChange(removedIDs: removed))
        }
    }

    /// Stores `images` and adds them to the index in one step (see ``LiveIndex/commit(_:)``);
    /// an index that is not trained yet is trained on the stored vectors afterwards.
    private func commit(_ images: [NewImage]) throws -> (change: StoreChange, ids: [Int64?]) {
        let inserted = try index.commit {
            let inserted = try store.insert(images)
            return (inserted, inserted.change)
        }
        if !inserted.change.addedIDs.isEmpty, !index.current.isTrained { try adaptIndexType() }
        return inserted
    }

    /// Writes `data` to `url` atomically (synchronised later, per batch), creating its folder.
    private func write(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(data, to: url, synchronize: false)
    }
}
