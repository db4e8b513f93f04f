extension ImageFingerprint {
    /// A query's fingerprint made ready to be compared with many stored ones: it keeps the
    /// query resized to each size a comparison has needed, for the next stored image of that size.
    public struct Query: Sendable {
        private let fingerprint: ImageFingerprint
        private var resized: [Int: DecodedImage] = [:]

        /// Prepares `fingerprint` for comparisons.
        public init(_ fingerprint: ImageFingerprint) {
            self.fingerprint = fingerprint
        }

        /// How well the query matches a stored image's fingerprint, from −1 to 1: the best
        /// normalised cross-correlation with each of ``ImageFingerprint/cropFractions`` of the
        /// stored image, as it is and mirrored (less ``ImageFingerprint/mirrorPenalty``),
        /// compared at the smaller of the two resolutions so that neither is enlarged. A flat
        /// image correlates with nothing (0).
        public mutating func similarity(toStored stored: ImageFingerprint) -> Double {
            let query = fingerprint.image
            var best = -1.0
            for fraction in ImageFingerprint.cropFractions {
                let width = max(1, Int((Double(stored.image.width) * fraction).rounded()))
                let height = max(1, Int((Double(stored.image.height) * fraction).rounded()))
                let region = stored.image.cropped(
                    x: (stored.image.width - width) / 2, y: (stored.image.height - height) / 2, width: width, height: height)
                let size = query.width * query.height <= width * height ? (query.width, query.height) : (width, height)
                // Buffers of a few kilobytes; a region the filter cannot allocate them for is left out.
                guard let resizedQuery = resizedQuery(width: size.0, height: size.1),
                    let part = try? ImageResampler.resizeBilinear(region, width: size.0, height: size.1)
                else { continue }
                let (direct, mirrored) = Self.correlations(of: resizedQuery, with: part)
                best = max(best, direct, mirrored - ImageFingerprint.mirrorPenalty)
            }
            return best
        }

        /// The query resized to `width` × `height`, made once per size.
        private mutating func resizedQuery(width: Int, height: Int) -> DecodedImage? {
            let key = width << 16 | height
            if let image = resized[key] { return image }
            guard let image = try? ImageResampler.resizeBilinear(fingerprint.image, width: width, height: height) else { return nil }
            resized[key] = image
            return image
        }

        /// The normalised cross-correlations of two images of one size, `query` as it is and
        /// mirrored, with `stored`; 0 for a flat one.
        private static func correlations(of query: DecodedImage, with stored: DecodedImage) -> (direct: Double, mirrored: Double) {
            let rowValues = query.width * 3
            var querySum = 0
            var querySquares = 0
            var storedSum = 0
            var storedSquares = 0
            var directProducts = 0
            var mirroredProducts = 0
            query.pixels.withUnsafeBufferPointer { queryPixels in
                stored.pixels.withUnsafeBufferPointer { storedPixels in
                    for row in 0..<query.height {
                        let start = row * rowValues
                        for column in 0..<query.width {
                            let mirroredStart = start + (query.width - 1 - column) * 3
                            for channel in 0..<3 {
                                let offset = start + column * 3 + channel
                                let queryValue = Int(queryPixels[offset])
                                let storedValue = Int(storedPixels[offset])
                                querySum += queryValue
                                querySquares += queryValue * queryValue
                                storedSum += storedValue
                                storedSquares += storedValue * storedValue
                                directProducts += queryValue * storedValue
                                mirroredProducts += Int(queryPixels[mirroredStart + channel]) * storedValue
                            }
                        }
                    }
                }
            }
            let count = Double(query.pixels.count)
            let querySpread = count * Double(querySquares) - Double(querySum) * Double(querySum)
            let storedSpread = count * Double(storedSquares) - Double(storedSum) * Double(storedSum)
            let norm = (querySpread * storedSpread).squareRoot()
            guard norm > 0 else { return (0, 0) }
            let crossed = Double(querySum) * Double(storedSum)
            return ((count * Double(directProducts) - crossed) / norm, (count * Double(mirroredProducts) - crossed) / norm)
        }
    }
}
