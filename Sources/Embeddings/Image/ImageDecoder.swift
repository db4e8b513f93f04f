import CImageCodecs
import Foundation

/// What an image header says, without decoding the pixels.
public struct ImageInfo: Sendable, Equatable {
    /// Container format.
    public let format: ImageFormat
    /// Width as displayed (after EXIF orientation).
    public let width: Int
    /// Height as displayed (after EXIF orientation).
    public let height: Int
    /// EXIF orientation (1…8; 1 when absent).
    public let exifOrientation: Int
    /// Channels stored in the file (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA or CMYK).
    public let sourceChannels: Int
}

/// Decodes JPEG, PNG, WebP, GIF, BMP and TIFF images into 8-bit RGB (``DecodedImage``) through
/// libvips.
///
/// The result equals Pillow's `ImageOps.exif_transpose(img)`, composited onto ``background``
/// with `Image.alpha_composite` and converted to RGB: the EXIF orientation is applied,
/// grayscale is replicated into R, G and B, palettes are expanded, animations give their first
/// frame, 16-bit samples keep their high byte and CMYK JPEGs are converted with Pillow's
/// formula. (One known difference: Pillow turns 16-bit grayscale PNGs into nearly white
/// images; this decoder keeps the high byte.)
///
/// Decompression bombs are refused from the header: an image with more than ``maxPixels``
/// pixels fails with ``ImageDecodingError/tooManyPixels(width:height:limit:)``, and one whose
/// longer side is more than ``maxAspectRatio`` times its shorter side fails with
/// ``ImageDecodingError/extremeAspectRatio(width:height:limit:)``, before any pixel memory is
/// allocated. Below that limit, an image with more than ``maxDecodedPixels`` pixels is decoded
/// reduced by a whole factor while it is read, so memory stays bounded. Truncated data is an
/// error (``ImageDecodingError/corrupt(reason:)``), not a partly grey image. The decoder holds
/// no state; one value can be used from many tasks.
public struct ImageDecoder: Sendable {
    /// Default hard pixel limit: 200 megapixels (e.g. 14,000 × 14,000).
    public static let defaultMaxPixels = 200_000_000
    /// Default size above which images are decoded reduced: 40 megapixels (a 48-megapixel
    /// phone photo is decoded at half size).
    public static let defaultMaxDecodedPixels = 40_000_000
    /// Default limit on the encoded size: 64 MiB.
    public static let defaultMaxBytes = 64 << 20
    /// Default limit on the ratio of the longer side to the shorter: 100 (a 25,600 × 256 strip
    /// is resized for the model to 6.6 megapixels, well inside the preprocessor's budget).
    public static let defaultMaxAspectRatio = 100

    /// Largest accepted width × height.
    public var maxPixels: Int
    /// Images with more pixels are decoded at 1/n of their size on each side.
    public var maxDecodedPixels: Int
    /// Largest accepted encoded size in bytes.
    public var maxBytes: Int
    /// Largest accepted ratio of the longer side to the shorter side.
    public var maxAspectRatio: Int
    /// Whether the EXIF orientation is applied (default true, as PIL's `exif_transpose`).
    public var appliesOrientation: Bool
    /// The colour transparent pixels are composited onto.
    public var background: RGBColor

    /// Creates a decoder with the given limits.
    public init(
        maxPixels: Int = ImageDecoder.defaultMaxPixels, maxBytes: Int = ImageDecoder.defaultMaxBytes,
        maxAspectRatio: Int = ImageDecoder.defaultMaxAspectRatio,
        maxDecodedPixels: Int = ImageDecoder.defaultMaxDecodedPixels,
        appliesOrientation: Bool = true, background: RGBColor = .white
    ) {
        precondition(maxPixels > 0 && maxBytes > 0 && maxAspectRatio > 0 && maxDecodedPixels > 0, "limits must be positive")
        self.maxPixels = maxPixels
        self.maxBytes = maxBytes
        self.maxAspectRatio = maxAspectRatio
        self.maxDecodedPixels = maxDecodedPixels
        self.appliesOrientation = appliesOrientation
        self.background = background
    }

    /// This decoder with another background colour.
    public func with(background: RGBColor) -> ImageDecoder {
        var decoder = self
        decoder.background = background
        return decoder
    }

    /// Decodes an encoded image into RGB.
    /// - Throws: ``ImageDecodingError``.
    public func decode(_ data: Data) throws(ImageDecodingError) -> DecodedImage {
        try decode(data, minimumLongestSide: 0)
    }

    /// Reads and decodes an image file.
    /// - Throws: the file system's error when the file cannot be read, else ``ImageDecodingError``.
    public func decode(contentsOf url: URL) throws -> DecodedImage {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > maxBytes {
            throw ImageDecodingError.tooManyBytes(count: size, limit: maxBytes)
        }
        return try decode(Data(contentsOf: url, options: .mappedIfSafe))
    }

    /// Decodes an image, allowing a JPEG or WebP to be decoded at 1/2, 1/4 or 1/8 scale (much
    /// faster) as long as its longest side stays at least `minimumLongestSide`. Meant for
    /// thumbnails; embeddings must use full-size decoding (``decode(_:)``) to match the reference.
    public func decode(_ data: Data, minimumLongestSide: Int) throws(ImageDecodingError) -> DecodedImage {
        if data.isEmpty { throw .empty }
        if data.count > maxBytes { throw .tooManyBytes(count: data.count, limit: maxBytes) }
        var options = cic_decode_options()
        options.max_pixels = UInt64(maxPixels)
        options.max_aspect_ratio = Int32(clamping: maxAspectRatio)
        options.max_decoded_pixels = UInt64(maxDecodedPixels)
        options.min_longest_side = Int32(clamping: minimumLongestSide)
        options.apply_orientation = appliesOrientation ? 1 : 0
        options.background = (background.red, background.green, background.blue)
        var image = cic_image()
        var message = [CChar](repeating: 0, count: Int(CIC_MESSAGE_LENGTH))
        let status = data.withUnsafeBytes { raw in
            message.withUnsafeMutableBufferPointer { msg in
                cic_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &options, &image, msg.baseAddress)
            }
        }
        let text = Self.string(message)
        let format = ImageFormat(cFormat: cic_format(rawValue: UInt32(image.format)))
        guard status == CIC_OK, let pixels = image.pixels else {
            throw Self.error(
                status, text, format: format, width: Int(image.width), height: Int(image.height),
                pixelLimit: maxPixels, aspectRatioLimit: maxAspectRatio)
        }
        defer { cic_free(pixels) }
        let width = Int(image.width)
        let height = Int(image.height)
        let bytes = [UInt8](UnsafeBufferPointer(start: pixels, count: width * height * 3))
        return DecodedImage(
            width: width, height: height, pixels: bytes, sourceFormat: format,
            exifOrientation: Int(image.exif_orientation), reduction: Int(image.reduction))
    }

    /// Reads the header only: format, displayed size and orientation.
    /// - Throws: ``ImageDecodingError`` (an over-limit size is not an error here).
    public static func probe(_ data: Data) throws(ImageDecodingError) -> ImageInfo {
        if data.isEmpty { throw .empty }
        var image = cic_image()
        var message = [CChar](repeating: 0, count: Int(CIC_MESSAGE_LENGTH))
        let status = data.withUnsafeBytes { raw in
            message.withUnsafeMutableBufferPointer { msg in
                cic_probe(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &image, msg.baseAddress)
            }
        }
        let format = ImageFormat(cFormat: cic_format(rawValue: UInt32(image.format)))
        guard status == CIC_OK else {
            throw error(status, string(message), format: format, width: 0, height: 0, pixelLimit: 0, aspectRatioLimit: 0)
        }
        let o = Int(image.exif_orientation)
        let swap = o >= 5 && o <= 8
        return ImageInfo(
            format: format,
            width: Int(swap ? image.height : image.width),
            height: Int(swap ? image.width : image.height),
            exifOrientation: o, sourceChannels: Int(image.source_channels))
    }

    /// A NUL-terminated C message buffer as a String.
    static func string(_ buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func error(
        _ status: cic_status, _ message: String, format: ImageFormat,
        width: Int, height: Int, pixelLimit: Int, aspectRatioLimit: Int
    ) -> ImageDecodingError {
        switch status {
        case CIC_ERR_EMPTY: return .empty
        case CIC_ERR_UNSUPPORTED: return .unsupportedFormat(format: format, detail: message)
        case CIC_ERR_TOO_MANY_PIXELS: return .tooManyPixels(width: width, height: height, limit: pixelLimit)
        case CIC_ERR_EXTREME_ASPECT_RATIO: return .extremeAspectRatio(width: width, height: height, limit: aspectRatioLimit)
        case CIC_ERR_NO_MEMORY: return .outOfMemory(reason: message)
        default: return .corrupt(reason: message.isEmpty ? "unknown decoder error" : message)
        }
    }
}
