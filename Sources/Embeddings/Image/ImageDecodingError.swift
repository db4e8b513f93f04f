/// Why an image could not be decoded. The associated values say enough to report the
/// problem to a user (e.g. as an HTTP 400/413/415 answer).
public enum ImageDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input has no bytes.
    case empty
    /// Not an image format the decoder reads (e.g. HEIF, or no image at all).
    /// `format` is what the magic bytes suggest; `detail` is a readable explanation.
    case unsupportedFormat(format: ImageFormat, detail: String)
    /// The data is truncated or corrupt; `reason` is the codec's explanation.
    case corrupt(reason: String)
    /// The image's width × height is above the decoder's pixel limit (a possible
    /// decompression bomb). Detected from the header, before any pixel is decoded.
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// The longer side is more than `limit` times the shorter one (or a side is 0). Detected
    /// from the header, before any pixel is decoded.
    case extremeAspectRatio(width: Int, height: Int, limit: Int)
    /// Resizing the image for the model would need more than `limit` pixels.
    case tooManyPixelsAfterResize(width: Int, height: Int, limit: Int)
    /// The encoded input is larger than the decoder's byte limit.
    case tooManyBytes(count: Int, limit: Int)
    /// Memory for the decoded pixels could not be allocated.
    case outOfMemory(reason: String)

    public var description: String {
        switch self {
        case .empty:
            return "image data is empty"
        case .unsupportedFormat(_, let detail):
            return "unsupported image format: \(detail)"
        case .corrupt(let reason):
            return "cannot decode image: \(reason)"
        case .tooManyPixels(let width, let height, let limit):
            return "image is \(width)×\(height) = \(width * height) pixels, more than the limit of \(limit)"
        case .extremeAspectRatio(let width, let height, let limit):
            return "image is \(width)×\(height); its longer side may be at most \(limit) times its shorter side"
        case .tooManyPixelsAfterResize(let width, let height, let limit):
            return "image would be resized to \(width)×\(height) = \(width * height) pixels, more than the limit of \(limit)"
        case .tooManyBytes(let count, let limit):
            return "image data is \(count) bytes, more than the limit of \(limit)"
        case .outOfMemory(let reason):
            return "out of memory decoding image: \(reason)"
        }
    }
}
