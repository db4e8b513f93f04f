import Foundation
import Testing

@testable import Embeddings

/// Images whose shape would blow up preprocessing are refused before any large allocation:
/// a 3 KB PNG of 1,000,000 × 1 pixels once asked for 196 GB and aborted the process.
@Suite struct ImageShapeLimitTests {
    static func png(width: Int, height: Int) throws -> Data {
        let image = DecodedImage(
            width: width, height: height, pixels: [UInt8](repeating: 200, count: width * height * 3), sourceFormat: .png,
            exifOrientation: 1
        )
        return try ImageWriter.pngData(image)
    }

    @Test(arguments: [(1_000_000, 1), (1, 1_000_000), (20_000, 1), (10_100, 100)])
    func extremeAspectRatiosAreRefusedFromTheHeader(width: Int, height: Int) throws {
        let data = try Self.png(width: width, height: height)
        #expect(throws: ImageDecodingError.extremeAspectRatio(width: width, height: height, limit: 100)) {
            try ImageDecoder().decode(data)
        }
    }

    /// A real 816 × 33 clip-art ruler (openclipart-png) was refused at the former limit of 20
    /// (issue #13); 100 keeps the resized image under 7 megapixels.
    @Test func aspectRatiosUpToTheLimitDecode() throws {
        let ruler = try ImageDecoder().decode(try Self.png(width: 816, height: 33))
        #expect(ruler.width == 816 && ruler.height == 33)
        let image = try ImageDecoder().decode(try Self.png(width: 10_000, height: 100))
        #expect(image.width == 10_000 && image.height == 100)
        try ImagePreprocessor().checkResizedSize(of: image)
        let wider = try ImageDecoder(maxAspectRatio: 200).decode(try Self.png(width: 20_000, height: 100))
        #expect(wider.width == 20_000)
    }

    @Test func theResizedPixelBudgetStopsWhatTheDecoderLetThrough() throws {
        let strip = try ImageDecoder(maxAspectRatio: 100_000).decode(try Self.png(width: 20_000, height: 1))
        let preprocessor = ImagePreprocessor()
        #expect(throws: ImageDecodingError.tooManyPixelsAfterResize(width: 5_120_000, height: 256, limit: 16_000_000)) {
            try preprocessor.checkResizedSize(of: strip)
        }
        #expect(throws: ImageDecodingError.self) { try ImageFixtures.model().embed(strip) }
        try preprocessor.checkResizedSize(of: try ImageDecoder().decode(try Self.png(width: 2_000, height: 100)))
    }
}
