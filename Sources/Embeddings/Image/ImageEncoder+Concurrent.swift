import Foundation
import Synchronization

extension ImageEncoder {
    /// Embeds `images` split into `threads` parts that run at the same time,
    /// each part as one batch; results are in input order. Use it with one BLAS
    /// thread per call (``BLASThreads``) to keep every core busy during bulk ingestion.
    public func embed(batch images: [DecodedImage], threads: Int) throws -> [[Float]] {
        let parts = max(1, min(threads, images.count))
        guard parts > 1 else { return try embed(batch: images) }
        let results = Mutex<[Int: Result<[[Float]], any Error>]>([:])
        parallelRanges(images.count, threads: parts) { range in
            let result = Result { try embed(batch: Array(images[range])) }
            results.withLock { $0[range.lowerBound] = result }
        }
        return try results.withLock { $0 }.sorted { $0.key < $1.key }.flatMap { try $0.value.get() }
    }
}
