import Foundation

/// Adds many images to an image collection in batches, then fits the index
/// type to the collection's new size, checks that index and store agree and
/// checkpoints. An unreadable image is reported and skipped; it never stops the run.
/// Content that is already stored, or offered earlier in the run, under another path is
/// stored once and reported as a duplicate of that path.
public struct ImageIngestor: Sendable {
    /// Images decoded, embedded and committed together.
    public var batchSize: Int

    public init(batchSize: Int = 64) {
        self.batchSize = batchSize
    }

    /// Ingests `count` images produced by `input` (called once per position, in
    /// order; a thrown error skips that image, and an ``ImageFileError`` names its file) into
    /// `collection`.
    public func ingest(
        count: Int, into collection: ImageCollection, progress: (IngestProgress) -> Void = { _ in },
        input: (Int) throws -> ImageInput
    ) throws -> ImageIngestSummary {
        let start = Stopwatch()
        var summary = ImageIngestSummary()
        summary.files = count
        var firstPathOfContent: [String: String] = [:]
        for batchStart in stride(from: 0, to: count, by: batchSize) {
            var batch: [ImageInput] = []
            var recordOfInput: [Int] = []
            for position in batchStart..<min(batchStart + batchSize, count) {
                let image: ImageInput
                do {
                    image = try input(position)
                } catch let error as ImageFileError {
                    summary.records.append(ImageIngestRecord(path: error.path, status: .failed, reason: error.reason))
                    continue
                } catch {
                    summary.records.append(ImageIngestRecord(path: "#\(position)", status: .failed, reason: "\(error)"))
                    continue
                }
                let hash = ContentHash.sha256(image.data)
                if let original = try firstPathOfContent[hash] ?? collection.store.path(ofContentHash: hash), original != image.path {
                    firstPathOfContent[hash] = original
                    summary.records.append(ImageIngestRecord(path: image.path, status: .duplicate, duplicateOf: original))
                    continue
                }
                firstPathOfContent[hash] = image.path
                recordOfInput.append(summary.records.count)
                summary.records.append(ImageIngestRecord(path: image.path, status: .stored))
                batch.append(image)
            }
            let result = try collection.add(batch)
            for (record, outcome) in zip(recordOfInput, result.outcomes) {
                switch outcome {
                case .stored: summary.stored += 1
                case .unchanged, .superseded:
                    summary.unchanged += 1
                    summary.records[record].status = .unchanged
                case .failed(let reason):
                    let prefix = summary.records[record].path + ": "
                    summary.records[record].status = .failed
                    summary.records[record].reason = reason.hasPrefix(prefix) ? String(reason.dropFirst(prefix.count)) : reason
                }
            }
            summary.replaced += result.replacedIDs.count
            progress(IngestProgress(completed: min(batchStart + batchSize, count), total: count, source: batch.last?.path ?? ""))
        }
        try collection.adaptIndexType()
        let stored = try collection.store.imageCount()
        guard collection.index.count == stored else {
            throw IndexStoreMismatch(collection: collection.name, indexCount: collection.index.count, storeCount: stored)
        }
        try collection.checkpoint()
        summary.factory = collection.index.factory
        summary.seconds = start.seconds
        return summary
    }
}
