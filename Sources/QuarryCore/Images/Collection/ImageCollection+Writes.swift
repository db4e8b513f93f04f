import Embeddings
import Foundation

extension ImageCollection {
    /// Thumbnails are JPEGs at most this many pixels on their longest side.
    public static let thumbnailSide = 160
    /// Side fraction of the centre crop whose embedding is averaged into a stored image's vector.
    public static let storedCropFraction = 0.9

    /// An image decoded and embedded, with its thumbnail, ready to be stored.
    private struct PreparedImage {
        /// Its position among the inputs.
        var offset: Int
        var image: NewImage
        /// Nil when this node could not decode it (stored without, left unordered among near ties).
        var fingerprint: ImageFingerprint?
        var data: Data
        /// Nil when this node could not make one (an image another node accepted under other limits).
        var thumbnail: Data?
    }

    /// Decodes, embeds and stores `inputs`: each image file is written to the
    /// media folder with its thumbnail and made durable, then the rows are committed
    /// to the store in one transaction, then the vectors are added to the index. An
    /// unusable image fails alone; an unchanged one (same path and content) is skipped.
    /// The thumbnail of a replaced image goes with it when no other image shares it.
    public func add(_ inputs: [ImageInput]) throws -> ImageAddResult {
        let preparation = try prepare(inputs)
        var result = preparation.result
        guard !preparation.prepared.isEmpty else { return result }
        try store(preparation.prepared, into: &result)
        return result
    }

    /// Decodes and embeds `inputs` without storing them: what cluster mode commits to the
    /// cluster, each image with the position of its input. The result reports the inputs that
    /// failed; the others are left `unchanged` for the caller to settle once the cluster has
    /// taken them. None is skipped as already stored: this node may be behind the cluster.
    public func embedded(_ inputs: [ImageInput]) throws -> (result: ImageAddResult, images: [(offset: Int, image: EmbeddedImage)]) {
        let (result, prepared) = try prepare(inputs, skippingStored: false)
        return (result, prepared.map { ($0.offset, EmbeddedImage(image: $0.image, data: $0.data)) })
    }

    /// Stores images embedded elsewhere (``embedded(_:)`` on the node that took the upload),
    /// under their own ids when they have them: the files, thumbnails and fingerprints made here, the rows and
    /// the index, as ``add(_:)`` stores them. One already stored with the same content is
    /// skipped; one with an unsafe path fails. An image this node cannot decode (another node
    /// accepted it under other limits) is stored without a thumbnail and fingerprint rather than refused.
    @discardableResult
    public func save(_ images: [EmbeddedImage]) throws -> ImageAddResult {
        let thumbnailer = ImageThumbnailer(maxSide: Self.thumbnailSide, decoder: decoder)
        var result = ImageAddResult()
        result.outcomes = Array(repeating: .unchanged, count: images.count)
        var prepared: [PreparedImage] = []
        for (offset, embedded) in images.enumerated() {
            guard ImageInput.isSafeRelativePath(embedded.image.path) else {
                result.outcomes[offset] = .failed(reason: "\(embedded.image.path): not a safe relative path")
                continue
            }
            var thumbnail: Data?
            var fingerprint: ImageFingerprint?
            do {
                let decoded = try decoder.decode(embedded.data)
                thumbnail = try thumbnailer.thumbnail(of: decoded)
                fingerprint = try ImageFingerprint(of: decoded)
            } catch {
                logger.warning(
                    "stored an image without a thumbnail and fingerprint",
                    metadata: ["collection": "\(name)", "path": "\(embedded.image.path)", "error": "\(error)"])
            }
            prepared.append(
                PreparedImage(offset: offset, image: embedded.image, fingerprint: fingerprint, data: embedded.data, thumbnail: thumbnail))
        }
        guard !prepared.isEmpty else { return result }
        try store(prepared, into: &result)
        return result
    }

    /// `inputs` decoded, given thumbnails and fingerprints, and embedded; the result holds the failures. With
    /// `skippingStored`, an input stored already with the same content is left out (`unchanged`).
    private func prepare(_ inputs: [ImageInput], skippingStored: Bool = true) throws -> (result: ImageAddResult, prepared: [PreparedImage]) {
        var result = ImageAddResult()
        var prepared: [PreparedImage] = []
        var decoded: [DecodedImage] = []
        result.outcomes = Array(repeating: .unchanged, count: inputs.count)
        let thumbnailer = ImageThumbnailer(maxSide: Self.thumbnailSide, decoder: decoder)
        var pathsInBatch: Set<String> = []
        for (offset, input) in inputs.enumerated() {
            guard ImageInput.isSafeRelativePath(input.path) else {
                result.outcomes[offset] = .failed(reason: "\(input.path): not a safe relative path")
                continue
            }
            let hash = ContentHash.sha256(input.data)
            // Images of a batch apply in order: one whose path an earlier one changes is stored anyway.
            if skippingStored, pathsInBatch.insert(input.path).inserted, try store.contentHash(ofPath: input.path) == hash { continue }
            do {
                let image = try decoder.decode(input.data)
                decoded.append(image)
                prepared.append(
                    PreparedImage(
                        offset: offset,
                        image: NewImage(
                            path: input.path, category: input.category, price: input.price, title: input.title,
                            metadata: input.metadata, width: image.width, height: image.height, contentHash: hash, vector: []
                        ), fingerprint: try ImageFingerprint(of: image), data: input.data, thumbnail: try thumbnailer.thumbnail(of: image)
                    ))
            } catch let error as ImageDecodingError {
                result.outcomes[offset] = .failed(reason: "\(input.path): \(error.description)")
            } catch let error as ImageWritingError {
                result.outcomes[offset] = .failed(reason: "\(input.path): thumbnail: \(error.description)")
            }
        }
        guard !prepared.isEmpty else { return (result, prepared) }
        let embeddingStart = Stopwatch()
        let vectors = try storedEmbeddings(of: decoded)
        result.embeddedImages = decoded.count
        result.embeddingSeconds = embeddingStart.seconds
        for position in prepared.indices { prepared[position].image.vector = vectors[position] }
        return (result, prepared)
    }

    /// Writes the files of `prepared` and commits their rows and vectors, recording each
    /// image's outcome in `result`.
    private func store(_ prepared: [PreparedImage], into result: inout ImageAddResult) throws {
        let change = try changingFiles {
            var written: [URL] = []
            for item in prepared {
                let media = folder.mediaURL.appendingPathComponent(item.image.path)
                try write(item.data, to: media)
                written.append(media)
                let thumbnail = folder.thumbnailURL(contentHash: item.image.contentHash)
                if let data = item.thumbnail, !FileManager.default.fileExists(atPath: thumbnail.path) {
                    try write(data, to: thumbnail)
                    written.append(thumbnail)
                }
            }
            // The files reach the disk before the rows that point to them are committed.
            try AtomicFile.synchronize(written)
            let replacedHashes = try prepared.compactMap { try store.contentHash(ofPath: $0.image.path) }
            let (change, ids) = try commit(prepared.map(\.image), fingerprints: prepared.map(\.fingerprint))
            for (item, id) in zip(prepared, ids) {
                result.outcomes[item.offset] =
                    id.map { .stored(id: $0) }
                    ?? (prepared.last { $0.image.path == item.image.path }?.offset == item.offset ? .unchanged : .superseded)
            }
            // Replaced contents, and those of images a later one of the batch superseded.
            try removeUnusedFiles(paths: [], contentHashes: replacedHashes + prepared.map(\.image.contentHash))
            return change
        }
        result.replacedIDs = change.removedIDs
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
            let fingerprints = try other.store.fingerprints(ids: ids)
            var batch: [NewImage] = []
            var batchFingerprints: [ImageFingerprint?] = []
            var files: [(source: URL, destination: URL)] = []
            for (offset, id) in ids.enumerated() {
                guard let image = images[id], try store.contentHash(ofPath: image.path) != image.contentHash,
                    let source = other.mediaFile(for: image)
                else { continue }
                files.append((source, folder.mediaURL.appendingPathComponent(image.path)))
                let thumbnail = other.thumbnailFile(for: image)
                if FileManager.default.fileExists(atPath: thumbnail.path) { files.append((thumbnail, thumbnailFile(for: image))) }
                batch.append(NewImage(image, vector: Array(vectors[offset * store.dimension..<(offset + 1) * store.dimension])))
                batchFingerprints.append(fingerprints[id])
            }
            guard !batch.isEmpty else { return }
            copied += try changingFiles {
                for file in files { try write(Data(contentsOf: file.source), to: file.destination) }
                try AtomicFile.synchronize(files.map(\.destination))
                return try commit(batch, fingerprints: batchFingerprints).change.addedIDs.count
            }
        }
        return copied
    }

    /// Deletes images by id (rows, then vectors, then the image files and thumbnails no
    /// other image uses); returns the ids that existed. Files left by a crash in between
    /// are removed when the collection next opens.
    @discardableResult
    public func delete(ids: [Int64]) throws -> [Int64] {
        try changingFiles {
            let images = try store.images(ids: ids)
            let removed = try index.commit {
                let removed = try store.delete(ids: ids)
                return (removed, StoreChange(removedIDs: removed))
            }
            let gone = removed.compactMap { images[$0] }
            try removeUnusedFiles(paths: gone.map(\.path), contentHashes: gone.map(\.contentHash))
            return removed
        }
    }

    /// Runs `body` holding ``fileChanges``, unless the collection was deleted.
    private func changingFiles<Result>(_ body: () throws -> Result) throws -> Result {
        try whileOpen { try fileChanges.withLock { _ in try body() } }
    }

    /// Removes the media files at `paths` and the thumbnails of `contentHashes` that no stored
    /// image uses; the caller holds ``fileChanges``.
    private func removeUnusedFiles(paths: [String], contentHashes: [String]) throws {
        for path in Set(paths) where try !store.isStored(path: path) {
            if let file = Self.contained(folder.mediaURL.appendingPathComponent(path), in: folder.mediaURL) { removeFile(file) }
        }
        for hash in Set(contentHashes) where try !store.isStored(contentHash: hash) {
            removeFile(folder.thumbnailURL(contentHash: hash))
        }
    }

    /// Removes every file under the media and thumbnail folders that no stored image uses:
    /// those of a write or delete that a crash interrupted, and temporary files.
    func removeOrphanFiles() {
        fileChanges.withLock { _ in
            do {
                let (paths, hashes) = try store.storedPathsAndHashes()
                var removed = 0
                let kinds: [(URL, (String) -> Bool)] = [
                    (folder.mediaURL, { paths.contains($0) }), (folder.thumbnailsURL, { hashes.contains(String($0.dropLast(4))) }),
                ]
                for (directory, isUsed) in kinds {
                    for relativePath in Self.files(under: directory) where !isUsed(relativePath) {
                        removeFile(directory.appendingPathComponent(relativePath))
                        removed += 1
                    }
                }
                if removed > 0 { logger.notice("removed files no stored image uses", metadata: ["files": "\(removed)"]) }
            } catch {
                logger.error("cannot look for unused image files", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Paths, relative to `folder`, of the regular files under it.
    private static func files(under folder: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var paths: [String] = []
        while let relativePath = enumerator.nextObject() as? String {
            if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular { paths.append(relativePath) }
        }
        return paths
    }

    private func removeFile(_ url: URL) {
        do {
            try FileManager.default.removeItem(at: url)
        } catch let error as CocoaError where error.code == .fileNoSuchFile {
            return
        } catch {
            logger.warning("cannot remove an unused image file", metadata: ["path": "\(url.path)", "error": "\(error)"])
        }
    }

    /// Stores `images` with their `fingerprints` and adds them to the index in one step (see
    /// ``LiveIndex/commit(_:)``); an index that is not trained yet is trained on the stored vectors afterwards.
    private func commit(_ images: [NewImage], fingerprints: [ImageFingerprint?]) throws -> (change: StoreChange, ids: [Int64?]) {
        let inserted = try index.commit {
            let inserted = try store.insert(images, fingerprints: fingerprints)
            return (inserted, inserted.change)
        }
        return inserted
    }

    /// Writes `data` to `url` atomically (synchronised later, per batch), creating its folder.
    private func write(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(data, to: url, synchronize: false)
    }
}
