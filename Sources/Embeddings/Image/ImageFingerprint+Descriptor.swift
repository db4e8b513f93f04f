extension ImageFingerprint {
    /// Side of the square a ``descriptor`` is made at, in pixels.
    public static let descriptorSide = 8
    /// Values in a ``descriptor``: three a pixel.
    public static let descriptorDimension = descriptorSide * descriptorSide * 3

    /// The fingerprint squeezed to ``descriptorSide`` pixels square (RGB, the antialiased bilinear
    /// filter), less the mean of its values and scaled to length 1: the inner product of two
    /// descriptors is the normalised cross-correlation of the squeezed images, what finds the
    /// stored fingerprints a query's may match. All zero for a flat image.
    /// - Throws: ``ImageDecodingError/outOfMemory(reason:)`` when the filter's buffers cannot be allocated.
    public func descriptor() throws(ImageDecodingError) -> [Float] {
        let squeezed = try ImageResampler.resizeBilinear(image, width: Self.descriptorSide, height: Self.descriptorSide)
        let mean = Float(squeezed.pixels.reduce(0) { $0 + Int($1) }) / Float(squeezed.pixels.count)
        var values = squeezed.pixels.map { Float($0) - mean }
        let length = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard length > 0 else { return values }
        for offset in values.indices { values[offset] /= length }
        return values
    }
}
