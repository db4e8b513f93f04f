import Foundation
import XCTest

@testable import Embeddings

/// The conformance corpus (Fixtures/conformance, written by scripts/golden/make_conformance.py):
/// every format and variant the decoder accepts against Pillow's pixels, and the broken or
/// refused files against the error they must give.
final class ImageConformanceTests: XCTestCase {
    struct Manifest: Decodable {
        let entries: [Entry]
    }

    struct Entry: Decodable {
        let file: String
        let format: String
        let variant: String
        let width: Int?
        let height: Int?
        let pixels: String?
        let error: String?
    }

    static let directory = ImageFixtures.fixturesDirectory.appendingPathComponent("conformance")

    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    }

    /// The largest difference of any RGB sample between two images of equal size.
    static func maximumDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        zip(a, b).reduce(0) { max($0, abs(Int($1.0) - Int($1.1))) }
    }

    func testEveryAcceptedVariantDecodesToPillowsPixels() throws {
        let accepted = try Self.manifest().entries.filter { $0.pixels != nil }
        XCTAssertGreaterThanOrEqual(accepted.count, 40)
        var formats = Set<String>()
        for entry in accepted {
            let data = try Data(contentsOf: Self.directory.appendingPathComponent(entry.file))
            let image: DecodedImage
            do {
                image = try ImageDecoder().decode(data)
            } catch {
                XCTFail("\(entry.file) (\(entry.variant)): \(error)")
                continue
            }
            formats.insert(entry.format)
            XCTAssertEqual(image.sourceFormat.rawValue, entry.format, entry.file)
            XCTAssertEqual([image.width, image.height], [entry.width!, entry.height!], entry.file)
            let expected = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent(entry.pixels!)))
            guard expected.count == image.pixels.count else { continue }
            XCTAssertEqual(Self.maximumDifference(image.pixels, expected), 0, "\(entry.file) (\(entry.variant)) differs from Pillow")
        }
        XCTAssertEqual(formats, ["png", "jpeg", "webp", "gif", "bmp", "tiff"])
    }

    func testBrokenAndRefusedFilesGiveTheirError() throws {
        let refused = try Self.manifest().entries.filter { $0.error != nil }
        XCTAssertGreaterThanOrEqual(refused.count, 6)
        for entry in refused {
            let data = try Data(contentsOf: Self.directory.appendingPathComponent(entry.file))
            XCTAssertThrowsError(try ImageDecoder().decode(data), entry.file) { error in
                let kind: String
                switch error as? ImageDecodingError {
                case .corrupt: kind = "corrupt"
                case .unsupportedFormat: kind = "unsupported"
                case .tooManyPixels: kind = "too_many_pixels"
                case .empty: kind = "empty"
                default: kind = "\(error)"
                }
                XCTAssertEqual(kind, entry.error, "\(entry.file) (\(entry.variant)): \(error)")
            }
        }
    }

    /// Transparent pixels take the decoder's background: composited, not dropped.
    func testTransparencyIsCompositedOntoTheBackground() throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent("png-rgba8.png"))
        let onWhite = try ImageDecoder().decode(data)
        let onBlack = try ImageDecoder(background: RGBColor(red: 0, green: 0, blue: 0)).decode(data)
        // The corner is fully transparent, the centre opaque.
        XCTAssertTrue(onWhite.pixel(x: 0, y: 0) == (255, 255, 255))
        XCTAssertTrue(onBlack.pixel(x: 0, y: 0) == (0, 0, 0))
        XCTAssertTrue(onWhite.pixel(x: 24, y: 16) == onBlack.pixel(x: 24, y: 16))
        let jpeg = try Data(contentsOf: Self.directory.appendingPathComponent("jpeg-baseline.jpg"))
        XCTAssertEqual(try ImageDecoder().decode(jpeg), try ImageDecoder(background: RGBColor(red: 0, green: 0, blue: 0)).decode(jpeg))
    }

    /// Images over the decoded-pixel limit are read reduced by a whole factor, in every format.
    func testLargeImagesAreDecodedReducedInEveryFormat() throws {
        let decoder = ImageDecoder(maxDecodedPixels: 400)
        for entry in try Self.manifest().entries where entry.pixels != nil && entry.variant.hasPrefix("EXIF") == false {
            let data = try Data(contentsOf: Self.directory.appendingPathComponent(entry.file))
            let full = try ImageDecoder().decode(data)
            let reduced = try decoder.decode(data)
            XCTAssertGreaterThan(reduced.reduction, 1, entry.file)
            XCTAssertLessThanOrEqual(reduced.width * reduced.height, 400, entry.file)
            XCTAssertEqual(Double(reduced.width), Double(full.width) / Double(reduced.reduction), accuracy: 1, entry.file)
        }
    }
}
