import Foundation

/// A small copy of a whole image (RGB, at most ``maxSide`` pixels on its longer side, its
/// shape kept), compared pixel by pixel to tell apart stored images that an embedding finds
/// equally close to a query: variants of one drawing, a picture and its mirror image.
public struct ImageFingerprint: Sendable, Equatable {
    /// Longest side, in pixels.
    public static let maxSide = 64
    /// Central fractions of a stored image a query is also compared with (a cropped repost).
    public static let cropFractions = [1.0, 0.95, 0.9, 0.85, 0.8, 0.75]
    /// Taken off a match with the query's mirror image, so that a query matching a stored image
    /// as it is ranks that image above its mirrored twin.
    public static let mirrorPenalty = 0.02

    /// The small image.
    public let image: DecodedImage

    /// The fingerprint of an image, resized with the antialiased bilinear filter, its rows split
    /// among up to `threads` threads.
    /// - Throws: ``ImageDecodingError/outOfMemory(reason:)`` when the filter's buffers cannot be allocated.
    public init(of image: DecodedImage, threads: Int = 1) throws(ImageDecodingError) {
        let size = ImageResampler.fittedSize(width: image.width, height: image.height, within: Self.maxSide)
        self.image = try ImageResampler.resizeBilinear(image, width: size.width, height: size.height, threads: threads)
    }

    /// The fingerprint stored as `data` (``data``), or nil if it does not hold one.
    public init?(data: Data) {
        let bytes = [UInt8](data)
        guard bytes.count > 2 else { return nil }
        let (width, height) = (Int(bytes[0]), Int(bytes[1]))
        guard (1...Self.maxSide).contains(width), (1...Self.maxSide).contains(height), bytes.count == 2 + width * height * 3 else {
            return nil
        }
        image = DecodedImage(width: width, height: height, pixels: Array(bytes[2...]))
    }

    /// The bytes to store: the width and the height, a byte each, then the pixels, RGB.
    public var data: Data { Data([UInt8(image.width), UInt8(image.height)] + image.pixels) }

    /// How well this fingerprint (a query's) matches a stored image's, from −1 to 1 (see
    /// ``Query/similarity(toStored:)``; a ``Query`` compares one query with many faster).
    public func similarity(toStored stored: ImageFingerprint) -> Double {
        var query = Query(self)
        return query.similarity(toStored: stored)
    }
}
