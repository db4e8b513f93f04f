/// Turns a decoded image into the network input of an ImageNet classifier, reproducing
/// the reference pipeline (PIL): resize so the shorter side is ``shorterSide`` with Pillow's
/// antialiased bilinear filter, crop the centre ``cropSize`` × ``cropSize`` square, then
/// map each byte `x` to `(x − mean) / scale`.
///
/// Output layout is HWC (row, column, channel R/G/B), `cropSize × cropSize × 3` floats.
public struct ImagePreprocessor: Sendable, Equatable {
    /// Length of the shorter side after resizing (default 256).
    public var shorterSide: Int
    /// Side of the centre crop (default 224).
    public var cropSize: Int
    /// Subtracted from each byte (default 127).
    public var mean: Float
    /// Divides the centred byte (default 128).
    public var scale: Float
    /// Pass order of the two resampling passes (default: as Pillow 13).
    public var passOrder: ImageResampler.PassOrder
    /// Most pixels of the resized image, before the crop (default 16 megapixels: a 62,500 × 256 strip).
    public var maxResizedPixels = 16_000_000

    /// The EfficientNet-Lite preprocessing: 256 → centre 224, (x − 127) / 128.
    public init(
        shorterSide: Int = 256, cropSize: Int = 224, mean: Float = 127, scale: Float = 128,
        passOrder: ImageResampler.PassOrder = .pillow
    ) {
        precondition(shorterSide >= cropSize && cropSize > 0, "need shorterSide ≥ cropSize > 0")
        self.shorterSide = shorterSide
        self.cropSize = cropSize
        self.mean = mean
        self.scale = scale
        self.passOrder = passOrder
    }

    /// Number of floats in one preprocessed image (`cropSize² × 3`).
    public var elementCount: Int { cropSize * cropSize * 3 }

    /// The size after resizing: the shorter side `s` becomes ``shorterSide`` exactly and a
    /// longer side `L` becomes `(L · shorterSide + s / 2) / s` in integer arithmetic (the exact
    /// ratio rounded half up), as the reference pipeline.
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let s = min(width, height)
        func scaled(_ side: Int) -> Int { side == s ? shorterSide : (side * shorterSide + s / 2) / s }
        return width <= height ? (shorterSide, scaled(height)) : (scaled(width), shorterSide)
    }

    /// Refuses an image whose resized size would exceed ``maxResizedPixels``.
    /// - Throws: ``ImageDecodingError/tooManyPixelsAfterResize(width:height:limit:)``.
    public func checkResizedSize(of image: DecodedImage) throws(ImageDecodingError) {
        let size = resizedSize(width: image.width, height: image.height)
        let (pixels, overflow) = size.width.multipliedReportingOverflow(by: size.height)
        if overflow || pixels > maxResizedPixels {
            throw .tooManyPixelsAfterResize(width: size.width, height: size.height, limit: maxResizedPixels)
        }
    }

    /// Top-left corner of the centre crop in an image of the given size:
    /// `((width − cropSize) / 2, (height − cropSize) / 2)`, rounded down.
    public func cropOrigin(width: Int, height: Int) -> (x: Int, y: Int) {
        ((width - cropSize) / 2, (height - cropSize) / 2)
    }

    /// Resizes and crops: the `cropSize × cropSize` RGB image the network sees, computed by up
    /// to `threads` threads.
    public func resizeAndCrop(_ image: DecodedImage, threads: Int = 1) throws(ImageDecodingError) -> DecodedImage {
        let size = resizedSize(width: image.width, height: image.height)
        let origin = cropOrigin(width: size.width, height: size.height)
        let crop = ImageResampler.Window(x: origin.x, y: origin.y, width: cropSize, height: cropSize)
        return try ImageResampler.resizeBilinear(
            image, width: size.width, height: size.height, window: crop, passOrder: passOrder, threads: threads)
    }

    /// The normalised HWC tensor of an image.
    public func tensor(_ image: DecodedImage) throws(ImageDecodingError) -> [Float] {
        let cropped = try resizeAndCrop(image)
        return [Float](unsafeUninitializedCapacity: elementCount) { buffer, count in
            normalize(cropped, into: buffer.baseAddress!)
            count = elementCount
        }
    }

    /// Writes the normalised HWC tensor of an image into `destination` (``elementCount`` floats),
    /// resized by up to `threads` threads.
    public func write(_ image: DecodedImage, into destination: UnsafeMutablePointer<Float>, threads: Int = 1) throws(ImageDecodingError) {
        normalize(try resizeAndCrop(image, threads: threads), into: destination)
    }

    private func normalize(_ cropped: DecodedImage, into destination: UnsafeMutablePointer<Float>) {
        let mean = self.mean
        let scale = self.scale
        cropped.pixels.withUnsafeBufferPointer { src in
            for i in 0..<elementCount {
                destination[i] = (Float(src[i]) - mean) / scale
            }
        }
    }
}
