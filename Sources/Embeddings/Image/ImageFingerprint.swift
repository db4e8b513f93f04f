import Foundation

/// A tiny copy of a whole image (``side`` × ``side`` RGB pixels, the picture squeezed to a
/// square), compared pixel by pixel to tell apart stored images that an embedding finds
/// equally close to a query: variants of one drawing, a picture and its mirror image.
public struct ImageFingerprint: Sendable, Equatable {
    /// Side of the square, in pixels.
    public static let side = 32
    /// Central fractions of a stored image a query is also compared with (a cropped repost).
    public static let cropFractions = [1.0, 0.9, 0.8]
    /// Taken off a match with the query's mirror image, so that a query matching a stored image
    /// as it is ranks that image above its mirrored twin.
    public static let mirrorPenalty = 0.02

    /// The ``side`` × ``side`` image.
    public let image: DecodedImage

    /// The fingerprint of an image, resized with the antialiased bilinear filter, its rows split
    /// among up to `threads` threads.
    /// - Throws: ``ImageDecodingError/outOfMemory(reason:)`` when the filter's buffers cannot be allocated.
    public init(of image: DecodedImage, threads: Int = 1) throws(ImageDecodingError) {
        self.image = try ImageResampler.resizeBilinear(image, width: Self.side, height: Self.side, threads: threads)
    }

    /// The fingerprint stored as `data` (``data``), or nil if it does not hold one.
    public init?(data: Data) {
        guard data.count == Self.side * Self.side * 3 else { return nil }
        image = DecodedImage(width: Self.side, height: Self.side, pixels: [UInt8](data))
    }

    /// The bytes to store: the pixels, RGB.
    public var data: Data { Data(image.pixels) }

    /// How well this fingerprint (a query's) matches a stored image's, from −1 to 1 (see
    /// ``Query/similarity(toStored:)``; a ``Query`` compares one query with many faster).
    public func similarity(toStored stored: ImageFingerprint) -> Double {
        Query(self).similarity(toStored: stored)
    }
}
