/// An 8-bit RGB image in memory: rows top to bottom, pixels left to right, 3 bytes
/// (red, green, blue) per pixel, no padding.
public struct DecodedImage: Sendable, Equatable {
    /// Width in pixels (after any EXIF orientation was applied).
    public let width: Int
    /// Height in pixels (after any EXIF orientation was applied).
    public let height: Int
    /// `width × height × 3` bytes, RGB interleaved.
    public let pixels: [UInt8]
    /// The format the image was decoded from (``ImageFormat/unknown`` when built in memory).
    public let sourceFormat: ImageFormat
    /// The EXIF orientation (1…8) that was found in the file; 1 when none.
    public let exifOrientation: Int
    /// The image was decoded at 1/`reduction` of its stored size on each side (1: full size).
    public let reduction: Int

    /// Wraps RGB pixels.
    /// - Precondition: `width > 0`, `height > 0` and `pixels.count == width * height * 3`.
    public init(
        width: Int, height: Int, pixels: [UInt8], sourceFormat: ImageFormat = .unknown, exifOrientation: Int = 1,
        reduction: Int = 1
    ) {
        precondition(width > 0 && height > 0, "image dimensions must be positive (got \(width)×\(height))")
        precondition(
            pixels.count == width * height * 3,
            "expected \(width * height * 3) RGB bytes for \(width)×\(height), got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
        self.sourceFormat = sourceFormat
        self.exifOrientation = exifOrientation
        self.reduction = reduction
    }

    /// The RGB value at column `x`, row `y` (0-based, from the top-left corner).
    public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)×\(height)")
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// A copy of the rectangle at (`x`, `y`) of the given size, which must lie inside the image.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> DecodedImage {
        precondition(
            x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height,
            "crop \(w)×\(h)+\(x)+\(y) outside \(width)×\(height)")
        var out = [UInt8](repeating: 0, count: w * h * 3)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for row in 0..<h {
                    let s = src.baseAddress! + ((y + row) * width + x) * 3
                    (dst.baseAddress! + row * w * 3).update(from: s, count: w * 3)
                }
            }
        }
        return DecodedImage(
            width: w, height: h, pixels: out, sourceFormat: sourceFormat, exifOrientation: exifOrientation,
            reduction: reduction)
    }
}
