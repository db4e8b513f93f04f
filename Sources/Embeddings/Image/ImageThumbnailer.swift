import Foundation

/// Makes small previews of images (for search results and a web UI): the longest side is
/// scaled down to ``maxSide`` with Pillow-style antialiased bilinear resampling, and the
/// result is encoded as JPEG or PNG. Smaller images keep their size (no upscaling).
///
/// ``thumbnail(imageData:)`` lets libjpeg decode large JPEGs at 1/2, 1/4 or 1/8 scale in the
/// DCT domain first, which makes a thumbnail of a 12-megapixel photo several times cheaper
/// than decoding it fully. Stateless: safe to share between tasks.
public struct ImageThumbnailer: Sendable {
    /// Output encoding.
    public enum Format: Sendable, Equatable {
        case jpeg(quality: Int)
        case png

        /// MIME type of the encoded thumbnails.
        public var mimeType: String {
            switch self {
            case .jpeg: return "image/jpeg"
            case .png: return "image/png"
            }
        }
    }

    /// Longest side of a thumbnail in pixels.
    public var maxSide: Int
    /// Encoding of the thumbnails.
    public var format: Format
    /// Decoder (limits, orientation) used by ``thumbnail(imageData:)``.
    public var decoder: ImageDecoder

    /// - Parameters:
    ///   - maxSide: longest side of the thumbnail (default 128).
    ///   - format: JPEG quality 85 by default.
    public init(maxSide: Int = 128, format: Format = .jpeg(quality: 85), decoder: ImageDecoder = ImageDecoder()) {
        precondition(maxSide > 0, "maxSide must be positive")
        self.maxSide = maxSide
        self.format = format
        self.decoder = decoder
    }

    /// Size of the thumbnail of a `width × height` image: the longest side becomes
    /// ``maxSide`` (if larger), the other is scaled in proportion and rounded, at least 1.
    public func thumbnailSize(width: Int, height: Int) -> (width: Int, height: Int) {
        ImageResampler.fittedSize(width: width, height: height, within: maxSide)
    }

    /// The resized (not yet encoded) thumbnail image.
    public func thumbnailImage(of image: DecodedImage) throws(ImageDecodingError) -> DecodedImage {
        let size = thumbnailSize(width: image.width, height: image.height)
        return try ImageResampler.resizeBilinear(image, width: size.width, height: size.height)
    }

    /// The encoded thumbnail of a decoded image.
    /// - Throws: ``ImageDecodingError`` or ``ImageWritingError``.
    public func thumbnail(of image: DecodedImage) throws -> Data {
        let small = try thumbnailImage(of: image)
        switch format {
        case .jpeg(let quality): return try ImageWriter.jpegData(small, quality: quality)
        case .png: return try ImageWriter.pngData(small)
        }
    }

    /// Decodes an encoded image (fast reduced-size JPEG decoding) and returns its thumbnail.
    /// - Throws: ``ImageDecodingError`` or ``ImageWritingError``.
    public func thumbnail(imageData: Data) throws -> Data {
        try thumbnail(of: decoder.decode(imageData, minimumLongestSide: maxSide))
    }
}
