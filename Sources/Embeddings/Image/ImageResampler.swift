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

    /// Resizes like Pillow's `Image.resize((width, height), Image.BILINEAR)`: a separable,
    /// antialiased triangle filter (its support grows with the downscale factor), fixed-point
    /// weights and rounding to 8 bits after each pass. Bit-exact with Pillow 13 for `.pillow`.
    /// - Precondition: `width > 0`, `height > 0`.
    /// - Throws: ``ImageDecodingError/outOfMemory(reason:)`` when the filter's buffers cannot be allocated.
    public static func resizeBilinear(
        _ image: DecodedImage, width: Int, height: Int,
        passOrder: PassOrder = .pillow
    ) throws(ImageDecodingError) -> DecodedImage {
        precondition(width > 0 && height > 0, "target size must be positive (got \(width)×\(height))")
        if width == image.width && height == image.height { return image }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let status = image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                cic_resize_bilinear_rgb(
                    src.baseAddress, Int32(image.width), Int32(image.height),
                    dst.baseAddress, Int32(width), Int32(height), passOrder.cValue)
            }
        }
        switch status {
        case CIC_OK: break
        case CIC_ERR_NO_MEMORY:
            throw .outOfMemory(reason: "resizing \(image.width)×\(image.height) to \(width)×\(height)")
        default:
            throw .corrupt(reason: "resizing \(image.width)×\(image.height) to \(width)×\(height) failed (status \(status.rawValue))")
        }
        return DecodedImage(
            width: width, height: height, pixels: out, sourceFormat: image.sourceFormat,
            exifOrientation: image.exifOrientation)
    }
}
