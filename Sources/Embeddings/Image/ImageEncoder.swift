import Foundation

/// A model that maps an image to a fixed-size embedding vector.
///
/// Implementations must be safe to call from many tasks at once (read-only weights,
/// per-call scratch memory).
public protocol ImageEncoder: Sendable {
    /// Length of the vectors returned by ``embed(_:)``.
    var dimension: Int { get }

    /// The embedding of a decoded image (L2-normalised for the models in this module).
    func embed(_ image: DecodedImage) throws -> [Float]

    /// Decodes an encoded image (JPEG, PNG, WebP) and embeds it.
    /// - Throws: ``ImageDecodingError`` for unusable data.
    func embed(imageData: Data) throws -> [Float]

    /// Embeds several images; usually faster per image than one call each.
    func embed(batch images: [DecodedImage]) throws -> [[Float]]

    /// The embedding of one image, computed with up to `threads` threads (for a lower latency
    /// when cores are idle); the result equals ``embed(_:)``'s.
    func embed(_ image: DecodedImage, threads: Int) throws -> [Float]
}

extension ImageEncoder {
    /// Default: decodes with a default ``ImageDecoder`` and calls ``embed(_:)``.
    public func embed(imageData: Data) throws -> [Float] {
        try embed(ImageDecoder().decode(imageData))
    }

    /// Default: one ``embed(_:)`` call per image.
    public func embed(batch images: [DecodedImage]) throws -> [[Float]] {
        try images.map { try embed($0) }
    }

    /// Default: ``embed(_:)`` on the calling thread alone.
    public func embed(_ image: DecodedImage, threads: Int) throws -> [Float] {
        try embed(image)
    }
}

/// Errors of the image encoders other than decoding and weight-loading errors.
public enum ImageEncoderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A preprocessed input tensor has the wrong number of elements.
    case inputSize(expected: Int, actual: Int)
    /// A weight file does not describe the expected architecture.
    case architecture(String)

    public var description: String {
        switch self {
        case .inputSize(let expected, let actual):
            return "image encoder input has \(actual) values, expected \(expected)"
        case .architecture(let message):
            return "image encoder weights do not match the architecture: \(message)"
        }
    }
}
