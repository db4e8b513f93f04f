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
        XCTAssertEqual([fingerprint.image.width, fingerprint.image.height], [ImageFingerprint.maxSide, ImageFingerprint.maxSide * 3 / 4])
    }

    /// A small image is kept as it is, so that a half-size upload is compared at its own size.
    func testASmallImageKeepsItsSize() throws {
        let small = try ImageResampler.resizeBilinear(Self.drawing(), width: 40, height: 30)
        XCTAssertEqual(try ImageFingerprint(of: small).image, small)
    }

    /// Copies match their original nearly fully when the change is one the comparison tries:
    /// an 85 % centre crop, a half-size copy compared at its own size, a mirror image.
    func testCopiesMatchTheirOriginalNearlyFully() throws {
        let drawing = Self.drawing()
        let original = try ImageFingerprint(of: drawing)
        let copies: [String: DecodedImage] = [
            "85 % centre crop": drawing.cropped(x: 9, y: 7, width: 102, height: 76),
            "half size": try ImageResampler.resizeBilinear(drawing, width: 60, height: 45),
            "mirrored": Self.mirrored(drawing),
        ]
        for (name, copy) in copies {
            XCTAssertGreaterThan(try ImageFingerprint(of: copy).similarity(toStored: original), 0.95, name)
        }
    }

    /// Of two drawings that differ by a thin line, a half-size copy of either matches its own.
    func testAHalfSizeCopyTellsApartDrawingsThatDifferByAThinLine() throws {
        let plain = Self.drawing()
        var pixels = plain.pixels
        for y in 50..<80 { pixels.replaceSubrange((y * 120 + 90) * 3..<(y * 120 + 92) * 3, with: [UInt8](repeating: 0, count: 6)) }
        let lined = DecodedImage(width: 120, height: 90, pixels: pixels)
        let stored = [try ImageFingerprint(of: plain), try ImageFingerprint(of: lined)]
        for (index, drawing) in [plain, lined].enumerated() {
            let query = try ImageFingerprint(of: ImageResampler.resizeBilinear(drawing, width: 60, height: 45))
            XCTAssertGreaterThan(query.similarity(toStored: stored[index]), query.similarity(toStored: stored[1 - index]) + 0.01)
        }
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

    /// A prepared query, which keeps its resized copies between comparisons, matches each stored
    /// fingerprint exactly as a fresh comparison does, whatever sizes came before.
    func testAPreparedQueryMatchesAsAFreshComparisonDoes() throws {
        let query = try ImageFingerprint(of: ImageResampler.resizeBilinear(Self.drawing(), width: 50, height: 40))
        let stored = try [(120, 90), (30, 25), (90, 120), (120, 90), (64, 20)].map { size in
            try ImageFingerprint(of: ImageResampler.resizeBilinear(Self.drawing(blockX: size.0 / 3), width: size.0, height: size.1))
        }
        var prepared = ImageFingerprint.Query(query)
        for fingerprint in stored + stored.reversed() {
            XCTAssertEqual(prepared.similarity(toStored: fingerprint), query.similarity(toStored: fingerprint))
        }
    }

    /// A flat image correlates with nothing (no division by zero).
    func testAFlatImageMatchesNothing() throws {
        let blank = try ImageFingerprint(of: DecodedImage(width: 50, height: 50, pixels: [UInt8](repeating: 255, count: 7_500)))
        XCTAssertEqual(blank.similarity(toStored: blank), 0)
        XCTAssertEqual(blank.similarity(toStored: try ImageFingerprint(of: Self.drawing())), 0)
    }

    /// Descriptors are unit vectors whose inner product is the correlation of the squeezed
    /// images: 1 with itself, −1 with its negative, near 1 for a half-size copy, and all zero
    /// for a flat image.
    func testDescriptorsCorrelate() throws {
        let drawing = Self.drawing()
        let descriptor = try ImageFingerprint(of: drawing).descriptor()
        func product(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        XCTAssertEqual(descriptor.count, ImageFingerprint.descriptorDimension)
        XCTAssertEqual(product(descriptor, descriptor), 1, accuracy: 1e-5)
        let negative = DecodedImage(width: drawing.width, height: drawing.height, pixels: drawing.pixels.map { 255 - $0 })
        XCTAssertEqual(product(descriptor, try ImageFingerprint(of: negative).descriptor()), -1, accuracy: 1e-2)
        let half = try ImageResampler.resizeBilinear(drawing, width: 60, height: 45)
        XCTAssertGreaterThan(product(descriptor, try ImageFingerprint(of: half).descriptor()), 0.95)
        let blank = try ImageFingerprint(of: DecodedImage(width: 50, height: 50, pixels: [UInt8](repeating: 255, count: 7_500)))
        XCTAssertEqual(try blank.descriptor(), [Float](repeating: 0, count: ImageFingerprint.descriptorDimension))
    }

    func testStoredBytesRoundTrip() throws {
        let fingerprint = try ImageFingerprint(of: Self.drawing())
        XCTAssertEqual(ImageFingerprint(data: fingerprint.data), fingerprint)
        XCTAssertNil(ImageFingerprint(data: Data(count: 5)))
        XCTAssertNil(ImageFingerprint(data: Data(count: 32 * 32 * 3)), "a fingerprint of the former square form")
    }
}
