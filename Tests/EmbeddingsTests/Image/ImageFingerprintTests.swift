import Foundation
import XCTest

@testable import Embeddings

final class ImageFingerprintTests: XCTestCase {
    /// A drawing on white: a dark diagonal bar and a grey block at (`blockX`, 10), 120 × 90.
    static func drawing(blockX: Int = 10) -> DecodedImage {
        let (width, height) = (120, 90)
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let onBar = abs(x - y * 4 / 3) < 6
                let inBlock = (blockX..<blockX + 25).contains(x) && (10..<40).contains(y)
                let value: UInt8 = onBar ? 20 : inBlock ? 120 : 255
                pixels.replaceSubrange((y * width + x) * 3..<(y * width + x + 1) * 3, with: [value, value, value])
            }
        }
        return DecodedImage(width: width, height: height, pixels: pixels)
    }

    static func mirrored(_ image: DecodedImage) -> DecodedImage {
        var pixels: [UInt8] = []
        for y in 0..<image.height {
            for x in (0..<image.width).reversed() {
                let pixel = image.pixel(x: x, y: y)
                pixels += [pixel.red, pixel.green, pixel.blue]
            }
        }
        return DecodedImage(width: image.width, height: image.height, pixels: pixels)
    }

    func testAnImageMatchesItselfFully() throws {
        let fingerprint = try ImageFingerprint(of: Self.drawing())
        XCTAssertEqual(fingerprint.similarity(toStored: fingerprint), 1, accuracy: 1e-9)
        XCTAssertEqual([fingerprint.image.width, fingerprint.image.height], [ImageFingerprint.side, ImageFingerprint.side])
    }

    /// Splitting the resize among threads (a search on an idle server) changes no pixel.
    func testThreadsMakeTheSameFingerprint() throws {
        let image = try ImageResampler.resizeBilinear(Self.drawing(), width: 611, height: 807)
        let single = try ImageFingerprint(of: image)
        for threads in 2...3 { XCTAssertEqual(try ImageFingerprint(of: image, threads: threads), single) }
    }

    /// A mirrored upload matches its original less the penalty, and matches a stored mirror
    /// image (a twin) fully: the twin ranks first for it, the original for an unmirrored upload.
    func testAMirroredUploadMatchesItsOriginalLessThePenalty() throws {
        let original = try ImageFingerprint(of: Self.drawing())
        let mirror = try ImageFingerprint(of: Self.mirrored(Self.drawing()))
        XCTAssertEqual(mirror.similarity(toStored: original), 1 - ImageFingerprint.mirrorPenalty, accuracy: 0.01)
        XCTAssertLessThan(mirror.similarity(toStored: original), mirror.similarity(toStored: mirror))
        XCTAssertLessThan(original.similarity(toStored: mirror), original.similarity(toStored: original))
    }

    /// Changed copies of a drawing match it better than a variant with its block moved.
    func testChangedCopiesMatchTheirOriginalBetterThanAVariant() throws {
        let drawing = Self.drawing()
        let original = try ImageFingerprint(of: drawing)
        let variant = try ImageFingerprint(of: Self.drawing(blockX: 40))
        let copies: [String: DecodedImage] = [
            "85 % centre crop": drawing.cropped(x: 9, y: 7, width: 102, height: 76),
            "half size": try ImageResampler.resizeBilinear(drawing, width: 60, height: 45),
            "faded": DecodedImage(width: 120, height: 90, pixels: drawing.pixels.map { UInt8((Int($0) * 4 + 255) / 5) }),
            "mirrored": Self.mirrored(drawing),
        ]
        for (name, copy) in copies {
            let query = try ImageFingerprint(of: copy)
            XCTAssertGreaterThan(query.similarity(toStored: original), 0.9, name)
            XCTAssertGreaterThan(query.similarity(toStored: original), query.similarity(toStored: variant) + 0.05, name)
        }
    }

    /// Of two drawings alike but for colour, a copy matches its own better.
    func testAColourVariantMatchesLessThanItsOriginal() throws {
        func recoloured(_ image: DecodedImage, _ colour: [UInt8]) -> DecodedImage {
            DecodedImage(
                width: image.width, height: image.height,
                pixels: stride(from: 0, to: image.pixels.count, by: 3).flatMap { image.pixels[$0] == 255 ? [255, 255, 255] : colour })
        }
        let blue = recoloured(Self.drawing(), [30, 40, 200])
        let purple = recoloured(Self.drawing(), [140, 30, 150])
        let query = try ImageFingerprint(of: ImageResampler.resizeBilinear(blue, width: 60, height: 45))
        XCTAssertGreaterThan(
            query.similarity(toStored: try ImageFingerprint(of: blue)), query.similarity(toStored: try ImageFingerprint(of: purple)) + 0.01)
    }

    /// A flat image correlates with nothing (no division by zero).
    func testAFlatImageMatchesNothing() throws {
        let blank = try ImageFingerprint(of: DecodedImage(width: 50, height: 50, pixels: [UInt8](repeating: 255, count: 7_500)))
        XCTAssertEqual(blank.similarity(toStored: blank), 0)
        XCTAssertEqual(blank.similarity(toStored: try ImageFingerprint(of: Self.drawing())), 0)
    }

    func testStoredBytesRoundTrip() throws {
        let fingerprint = try ImageFingerprint(of: Self.drawing())
        XCTAssertEqual(ImageFingerprint(data: fingerprint.data), fingerprint)
        XCTAssertNil(ImageFingerprint(data: Data(count: 5)))
    }
}
