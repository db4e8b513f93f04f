extension ImageEncoder {
    /// Embeds `images` split into `threads` parts that run at the same time,
    /// each part as one batch; results are in input order. Use it with one BLAS
    /// thread per call (``BLASThreads``) to keep every core busy during bulk ingestion.
    public func embed(batch images: [DecodedImage], threads: Int) throws -> [[Float]] {
        let parts = max(1, min(threads, images.count))
        guard parts > 1 else { return try embed(batch: images) }
        let partResults = parallelMapRanges(images.count, threads: parts) { range in
            Result { try embed(batch: Array(images[range])) }
        }
        return try partResults.flatMap { try $0.get() }
    }
}
