import CImageCodecs

/// Pillow-compatible image resizing.
public enum ImageResampler {
    /// Which pass runs first when both dimensions change (each pass rounds to 8 bits,
    /// so the order changes a few pixel values by ±1).
    public enum PassOrder: Sendable {
        /// As Pillow ≥ 13: vertical first when the height loses more than twice as many
        /// rows as the width loses columns, otherwise horizontal first.
        case pillow
        /// As Pillow < 13: always horizontal first.
        case horizontalFirst
        /// Always vertical first.
        case verticalFirst

        var cValue: cic_pass_order {
            switch self {
            case .pillow: return CIC_PASS_ORDER_PILLOW
            case .horizontalFirst: return CIC_PASS_ORDER_HORIZONTAL_FIRST
            case .verticalFirst: return CIC_PASS_ORDER_VERTICAL_FIRST
            }
        }
    }

    /// The size of a `width` × `height` image shrunk so that its longest side is at most
    /// `maxSide`: the other side in proportion, rounded, at least 1. Smaller images keep their size.
    public static func fittedSize(width: Int, height: Int, within maxSide: Int) -> (width: Int, height: Int) {
        let longest = max(width, height)
        guard longest > maxSide else { return (width, height) }
        func scaled(_ side: Int) -> Int { max(1, (side * maxSide * 2 + longest) / (2 * longest)) }
        return width >= height ? (maxSide, scaled(height)) : (scaled(width), maxSide)
    }

    /// Resizes like Pillow's `Image.resize((width, height), Image.BILINEAR)`: a separable,
    /// antialiased triangle filter (its support grows with the downscale factor), fixed-point
    /// weights and rounding to 8 bits after each pass. Bit-exact with Pillow 13 for `.pillow`.
    /// The rows are split among up to `threads` threads.
    /// - Precondition: `width > 0`, `height > 0`.
    /// - Throws: ``ImageDecodingError/outOfMemory(reason:)`` when the filter's buffers cannot be allocated.
    public static func resizeBilinear(
        _ image: DecodedImage, width: Int, height: Int,
        passOrder: PassOrder = .pillow, threads: Int = 1
    ) throws(ImageDecodingError) -> DecodedImage {
        if width == image.width && height == image.height { return image }
        return try resizeBilinear(
            image, width: width, height: height, window: Window(x: 0, y: 0, width: width, height: height), passOrder: passOrder,
            threads: threads)
    }

    /// A rectangle of a resized image.
    public struct Window: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int

        /// The rectangle of `width` × `height` pixels whose top-left pixel is (`x`, `y`).
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    /// The `window` of what ``resizeBilinear(_:width:height:passOrder:)`` makes, pixel for
    /// pixel, computing only what the window needs; its rows are split among up to `threads`
    /// threads.
    /// - Precondition: `width > 0`, `height > 0`, and the window lies inside the resized image.
    /// - Throws: ``ImageDecodingError/outOfMemory(reason:)`` when the filter's buffers cannot be allocated.
    public static func resizeBilinear(
        _ image: DecodedImage, width: Int, height: Int, window: Window,
        passOrder: PassOrder = .pillow, threads: Int = 1
    ) throws(ImageDecodingError) -> DecodedImage {
        precondition(width > 0 && height > 0, "target size must be positive (got \(width)×\(height))")
        precondition(
            window.x >= 0 && window.y >= 0 && window.width > 0 && window.height > 0 && window.x + window.width <= width
                && window.y + window.height <= height, "window \(window) outside a \(width)×\(height) image")
        var out = [UInt8](repeating: 0, count: window.width * window.height * 3)
        let rowBytes = window.width * 3
        let statuses = image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                parallelMapRanges(window.height, threads: threads) { rows in
                    cic_resize_bilinear_rgb_window(
                        src.baseAddress, Int32(image.width), Int32(image.height), Int32(width), Int32(height),
                        Int32(window.x), Int32(window.y + rows.lowerBound), Int32(window.width), Int32(rows.count),
                        dst.baseAddress! + rows.lowerBound * rowBytes, passOrder.cValue)
                }
            }
        }
        switch statuses.first(where: { $0 != CIC_OK }) ?? CIC_OK {
        case CIC_OK: break
        case CIC_ERR_NO_MEMORY:
            throw .outOfMemory(reason: "resizing \(image.width)×\(image.height) to \(width)×\(height)")
        case let status:
            throw .corrupt(reason: "resizing \(image.width)×\(image.height) to \(width)×\(height) failed (status \(status.rawValue))")
        }
        return DecodedImage(
            width: window.width, height: window.height, pixels: out, sourceFormat: image.sourceFormat,
            exifOrientation: image.exifOrientation)
    }
}
