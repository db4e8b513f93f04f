import Foundation
import XCTest

@testable import Embeddings

final class ImageResamplerTests: XCTestCase {
    /// A deterministic test pattern: R = (7x + 13y) mod 256, G = (x² + 3y) mod 256, B = (xy + 5) mod 256.
    static func pattern(width: Int, height: Int) -> DecodedImage {
        var p = [UInt8]()
        p.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                p += [UInt8((x * 7 + y * 13) % 256), UInt8((x * x + 3 * y) % 256), UInt8((x * y + 5) % 256)]
            }
        }
        return DecodedImage(width: width, height: height, pixels: p)
    }

    /// FNV-1a of Pillow 13.0.0's `Image.fromarray(pattern).resize((w, h), Image.BILINEAR)`.
    /// Covers downscaling, upscaling, mixed directions and Pillow's choice of pass order
    /// (the first and last cases run the vertical pass first).
    static let pillowReference: [(Int, Int, Int, Int, UInt64)] = [
        (64, 300, 40, 50, 0x3a74_100d_30f4_a03c),
        (300, 64, 50, 40, 0x208c_4394_ea97_1163),
        (97, 61, 256, 161, 0xe89f_559b_8279_7515),
        (640, 480, 341, 256, 0x86c1_5b66_6295_8e44),
        (451, 300, 385, 256, 0x4de2_fd25_674e_0eed),
        (37, 290, 256, 2007, 0x9045_1665_6e00_56fa),
    ]

    func testBilinearResizeIsBitExactWithPillow() throws {
        for (w, h, dw, dh, hash) in Self.pillowReference {
            let out = try ImageResampler.resizeBilinear(Self.pattern(width: w, height: h), width: dw, height: dh)
            XCTAssertEqual([out.width, out.height], [dw, dh])
            XCTAssertEqual(ImageFixtures.fnv1a(out.pixels), hash, "\(w)×\(h) → \(dw)×\(dh)")
        }
    }

    /// A window of a resize, computed alone and split among threads, equals that part of the
    /// whole resize, in both pass orders, downscaling and upscaling.
    func testAWindowEqualsTheSamePartOfTheWholeResize() throws {
        for (w, h, dw, dh, _) in Self.pillowReference {
            let src = Self.pattern(width: w, height: h)
            for order in [ImageResampler.PassOrder.horizontalFirst, .verticalFirst, .pillow] {
                let whole = try ImageResampler.resizeBilinear(src, width: dw, height: dh, passOrder: order)
                let windows = [
                    ImageResampler.Window(x: 0, y: 0, width: dw, height: dh),
                    ImageResampler.Window(x: dw / 3, y: dh / 4, width: dw / 2, height: dh / 2),
                    ImageResampler.Window(x: dw - 1, y: dh - 1, width: 1, height: 1),
                ]
                for window in windows {
                    for threads in [1, 2, 3] {
                        let part = try ImageResampler.resizeBilinear(
                            src, width: dw, height: dh, window: window, passOrder: order, threads: threads)
                        XCTAssertEqual(
                            part, whole.cropped(x: window.x, y: window.y, width: window.width, height: window.height),
                            "\(w)×\(h) → \(dw)×\(dh), \(order), \(window), \(threads) threads")
                    }
                }
            }
        }
    }

    func testPassOrderMattersOnlyInRounding() throws {
        let src = Self.pattern(width: 64, height: 300)
        let a = try ImageResampler.resizeBilinear(src, width: 40, height: 50, passOrder: .horizontalFirst)
        let b = try ImageResampler.resizeBilinear(src, width: 40, height: 50, passOrder: .verticalFirst)
        XCTAssertNotEqual(a.pixels, b.pixels)
        XCTAssertTrue(zip(a.pixels, b.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
        XCTAssertEqual(try ImageResampler.resizeBilinear(src, width: 40, height: 50).pixels, b.pixels)  // Pillow 13: vertical first
    }

    func testIdentityAndConstantImages() throws {
        let src = Self.pattern(width: 31, height: 17)
        XCTAssertEqual(try ImageResampler.resizeBilinear(src, width: 31, height: 17), src)
        let flat = DecodedImage(width: 50, height: 40, pixels: [UInt8](repeating: 77, count: 50 * 40 * 3))
        for (w, h) in [(7, 9), (120, 3), (1, 1), (200, 160)] {
            let out = try ImageResampler.resizeBilinear(flat, width: w, height: h)
            XCTAssertTrue(out.pixels.allSatisfy { $0 == 77 }, "\(w)×\(h)")
        }
    }

    /// A resize whose intermediate buffer cannot be allocated is an error, not a crash:
    /// 7,000,000 × 1 → 1 × 7,000,000, vertical pass first, needs a 147 TB buffer.
    func testAResizeThatCannotAllocateThrowsOutOfMemory() {
        let side = 7_000_000
        let line = DecodedImage(width: side, height: 1, pixels: [UInt8](repeating: 9, count: side * 3))
        XCTAssertThrowsError(try ImageResampler.resizeBilinear(line, width: 1, height: side, passOrder: .verticalFirst)) {
            XCTAssertEqual($0 as? ImageDecodingError, .outOfMemory(reason: "resizing 7000000×1 to 1×7000000"))
        }
    }

    func testPreprocessingGeometryFollowsTheReference() {
        let p = ImagePreprocessor()
        XCTAssertTrue(p.resizedSize(width: 451, height: 300) == (385, 256))  // 451·256/300 = 384.85 → 385
        XCTAssertTrue(p.resizedSize(width: 300, height: 451) == (256, 385))
        XCTAssertTrue(p.resizedSize(width: 150, height: 100) == (384, 256))
        XCTAssertTrue(p.resizedSize(width: 384, height: 384) == (256, 256))
        XCTAssertTrue(p.resizedSize(width: 192, height: 320) == (256, 427))  // 426.67 → 427
        XCTAssertTrue(p.cropOrigin(width: 385, height: 256) == (80, 16))
        XCTAssertTrue(p.cropOrigin(width: 256, height: 427) == (16, 101))
    }

    func testPreprocessingMatchesGoldenGeometry() throws {
        let p = ImagePreprocessor()
        for entry in try ImageFixtures.golden().entries {
            let image = try ImageFixtures.image(entry.name)
            XCTAssertEqual([image.width, image.height], entry.decodedSize, entry.name)
            let size = p.resizedSize(width: image.width, height: image.height)
            XCTAssertEqual([size.width, size.height], entry.resizedSize, entry.name)
            let origin = p.cropOrigin(width: size.width, height: size.height)
            XCTAssertEqual([origin.x, origin.y], entry.cropOffset, entry.name)
        }
    }

    /// The whole preprocessing (decode, orientation, resize, crop, normalise) reproduces the
    /// reference tensors exactly.
    func testPreprocessedTensorsEqualTheReference() throws {
        for entry in try ImageFixtures.golden().entries {
            guard let file = entry.inputFloats else { continue }
            let reference = try ImageFixtures.floats(file)
            let mine = try ImagePreprocessor().tensor(ImageFixtures.image(entry.name))
            XCTAssertEqual(mine.count, 224 * 224 * 3)
            let worst = zip(mine, reference).map { abs($0 - $1) }.max() ?? 1
            XCTAssertEqual(worst, 0, "\(entry.name): max |difference| \(worst)")
        }
    }

    func testThumbnails() throws {
        let thumbnailer = ImageThumbnailer(maxSide: 128)
        XCTAssertTrue(thumbnailer.thumbnailSize(width: 451, height: 300) == (128, 85))
        XCTAssertTrue(thumbnailer.thumbnailSize(width: 300, height: 451) == (85, 128))
        XCTAssertTrue(thumbnailer.thumbnailSize(width: 100, height: 60) == (100, 60))
        XCTAssertTrue(thumbnailer.thumbnailSize(width: 5000, height: 10) == (128, 1))

        let jpeg = try thumbnailer.thumbnail(imageData: ImageFixtures.data("chelsea.jpg"))
        XCTAssertEqual(ImageFormat.sniff(jpeg), .jpeg)
        let decoded = try ImageDecoder().decode(jpeg)
        XCTAssertEqual([decoded.width, decoded.height], [128, 85])

        // EXIF orientation is applied before thumbnailing.
        let png = try ImageThumbnailer(maxSide: 64, format: .png).thumbnail(imageData: ImageFixtures.data("coffee-exif6.jpg"))
        XCTAssertEqual(ImageFormat.sniff(png), .png)
        let upright = try ImageDecoder().decode(png)
        XCTAssertEqual([upright.width, upright.height], [64, 43])

        // PNG thumbnails of decoded images are lossless copies of the resized pixels.
        let image = try ImageFixtures.image("rocket.jpg")
        let small = ImageThumbnailer(maxSide: 100, format: .png)
        XCTAssertEqual(try ImageDecoder().decode(small.thumbnail(of: image)), try small.thumbnailImage(of: image).withoutSource)

        // A large JPEG goes through reduced (DCT-scaled) decoding and still gets the right size.
        let big = try ImageResampler.resizeBilinear(image, width: 1920, height: 1280)
        let bigJPEG = try ImageWriter.jpegData(big, quality: 90)
        let reduced = try ImageDecoder().decode(bigJPEG, minimumLongestSide: 128)
        XCTAssertEqual([reduced.width, reduced.height], [240, 160])  // 1/8 scale
        let thumb = try ImageDecoder().decode(thumbnailer.thumbnail(imageData: bigJPEG))
        XCTAssertEqual([thumb.width, thumb.height], [128, 85])
    }

    func testJPEGRoundTripIsClose() throws {
        let image = try ImageFixtures.image("astronaut.jpg")
        let again = try ImageDecoder().decode(ImageWriter.jpegData(image, quality: 95))
        XCTAssertEqual([again.width, again.height], [image.width, image.height])
        let meanError = zip(image.pixels, again.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(image.pixels.count)
        XCTAssertLessThan(meanError, 3)
    }
}

extension DecodedImage {
    /// The same pixels with the provenance reset (for comparing re-decoded images).
    var withoutSource: DecodedImage { DecodedImage(width: width, height: height, pixels: pixels, sourceFormat: .png) }
}
