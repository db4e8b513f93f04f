import Foundation

/// Adds many images to an image collection in batches, then fits the index
/// type to the collection's new size, checks that index and store agree and
/// checkpoints. An unreadable image is reported and skipped; it never stops the run.
public struct ImageIngestor: Sendable {
    /// Images decoded, embedded and committed together.
    public var batchSize: Int

    public init(batchSize: Int = 64) {
        self.batchSize = batchSize
    }

    /// Ingests `count` images produced by `input` (called once per position, in
    /// order; a thrown error skips that image) into `collection`.
    public func ingest(
        count: Int, into collection: ImageCollection, progress: (IngestProgress) -> Void = { _ in },
        input: (Int) throws -> ImageInput
    ) throws -> ImageIngestSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        var summary = ImageIngestSummary()
        summary.files = count
        for batchStart in stride(from: 0, to: count, by: batchSize) {
            var batch: [ImageInput] = []
            for position in batchStart..<min(batchStart + batchSize, count) {
                do {
                    batch.append(try input(position))
                } catch {
                    summary.failures.append((source: "#\(position)", reason: "\(error)"))
                }
            }
            let result = try collection.add(batch)
            for (input, outcome) in zip(batch, result.outcomes) {
                switch outcome {
                case .stored: summary.stored += 1
                case .unchanged, .superseded: summary.unchanged += 1
                case let .failed(reason): summary.failures.append((source: input.path, reason: reason))
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
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }
}
