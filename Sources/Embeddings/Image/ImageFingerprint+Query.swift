extension ImageFingerprint {
    /// A query's fingerprint made ready to be compared with many stored ones: squeezed to each
    /// of ``ImageFingerprint/cropFractions``, as it is and mirrored.
    public struct Query: Sendable {
        /// The query squeezed to `side` × `side` pixels, compared with the central part of that size.
        private struct View: Sendable {
            let side: Int
            let direct: [UInt8]
            let mirrored: [UInt8]
            let sum: Int
            let sumOfSquares: Int
        }

        private let views: [View]

        /// Prepares `fingerprint` for comparisons.
        public init(_ fingerprint: ImageFingerprint) {
            views = ImageFingerprint.cropFractions.compactMap { fraction in
                let side = Int((fraction * Double(ImageFingerprint.side)).rounded())
                // Buffers of a few kilobytes; a fraction the filter cannot allocate them for is left out.
                guard let squeezed = try? ImageResampler.resizeBilinear(fingerprint.image, width: side, height: side) else { return nil }
                let pixels = squeezed.pixels
                let mirrored = [UInt8](unsafeUninitializedCapacity: pixels.count) { buffer, count in
                    for row in 0..<side {
                        for column in 0..<side {
                            let from = (row * side + side - 1 - column) * 3
                            let to = (row * side + column) * 3
                            for channel in 0..<3 { buffer[to + channel] = pixels[from + channel] }
                        }
                    }
                    count = pixels.count
                }
                return View(
                    side: side, direct: pixels, mirrored: mirrored, sum: pixels.reduce(0) { $0 + Int($1) },
                    sumOfSquares: pixels.reduce(0) { $0 + Int($1) * Int($1) })
            }
        }

        /// How well the query matches a stored image's fingerprint, from −1 to 1: the best
        /// normalised cross-correlation of the query, squeezed to each of ``ImageFingerprint/cropFractions``
        /// of the side, with that central part of the stored image; also mirrored, less
        /// ``ImageFingerprint/mirrorPenalty``. A flat image correlates with nothing (0).
        public func similarity(toStored stored: ImageFingerprint) -> Double {
            var best = -1.0
            stored.image.pixels.withUnsafeBufferPointer { storedPixels in
                for view in views {
                    let (direct, mirrored) = Self.correlations(of: view, with: storedPixels)
                    best = max(best, direct, mirrored - ImageFingerprint.mirrorPenalty)
                }
            }
            return best
        }

        /// The normalised cross-correlations of a view, as it is and mirrored, with the central
        /// part of its size of a stored fingerprint's pixels; 0 for a flat one.
        private static func correlations(of view: View, with stored: UnsafeBufferPointer<UInt8>) -> (Double, Double) {
            let rowValues = view.side * 3
            let origin = (ImageFingerprint.side - view.side) / 2
            var sum = 0
            var sumOfSquares = 0
            var directProducts = 0
            var mirroredProducts = 0
            view.direct.withUnsafeBufferPointer { direct in
                view.mirrored.withUnsafeBufferPointer { mirrored in
                    for row in 0..<view.side {
                        let storedStart = ((origin + row) * ImageFingerprint.side + origin) * 3
                        let viewStart = row * rowValues
                        for offset in 0..<rowValues {
                            let value = Int(stored[storedStart + offset])
                            sum += value
                            sumOfSquares += value * value
                            directProducts += value * Int(direct[viewStart + offset])
                            mirroredProducts += value * Int(mirrored[viewStart + offset])
                        }
                    }
                }
            }
            let count = Double(view.side * rowValues)
            let storedSpread = count * Double(sumOfSquares) - Double(sum) * Double(sum)
            let viewSpread = count * Double(view.sumOfSquares) - Double(view.sum) * Double(view.sum)
            let norm = (storedSpread * viewSpread).squareRoot()
            guard norm > 0 else { return (0, 0) }
            let crossed = Double(view.sum) * Double(sum)
            return ((count * Double(directProducts) - crossed) / norm, (count * Double(mirroredProducts) - crossed) / norm)
        }
    }
}
