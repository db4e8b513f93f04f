import CImageCodecs
import Foundation
import XCTest

@testable import Embeddings

final class ImageDecoderTests: XCTestCase {
    /// Size and FNV-1a of the RGB bytes that PIL gives for `ImageOps.exif_transpose(Image.open(f))`,
    /// composited onto white with `Image.alpha_composite` when transparent, then `convert("RGB")`
    /// (Pillow 13.0.0).
    static let pilReference: [(String, Int, Int, UInt64)] = [
        ("astronaut.jpg", 384, 384, 0xfcc6_f251_5aed_0a22),
        ("camera-gray.jpg", 384, 384, 0xada7_2f70_2649_678c),
        ("chelsea-palette.png", 300, 200, 0x9e34_60e9_25b2_31dd),
        // Palette PNGs with tRNS (2-bit, one transparent entry; 8-bit, graded alpha) were
        // refused as "unexpected row layout" (issue #13).
        ("chelsea-palette2-trns.png", 61, 41, 0x6ab2_c17f_d738_7745),
        ("chelsea-palette8-trns.png", 61, 41, 0xc323_c780_b2e3_e168),
        ("chelsea.jpg", 451, 300, 0xd4c9_99ec_7bde_de9a),
        ("coffee-exif6.jpg", 480, 320, 0x2374_3291_6293_3579),
        ("coffee-small.png", 150, 100, 0x9fb1_a187_2ce0_e898),
        ("hubble.webp", 400, 349, 0xebd5_d77f_1daf_be56),
        ("motorcycle-alpha.png", 222, 150, 0x081a_b132_954a_0ce6),
        ("rocket-tall.jpg", 192, 320, 0x5ad8_665c_4e08_c211),
        ("rocket.jpg", 480, 320, 0xb71e_7078_30aa_dab8),
    ]

    func testEveryFixtureDecodesToPILsExactPixels() throws {
        for (name, width, height, hash) in Self.pilReference {
            let image = try ImageFixtures.image(name)
            XCTAssertEqual(image.width, width, name)
            XCTAssertEqual(image.height, height, name)
            XCTAssertEqual(ImageFixtures.fnv1a(image.pixels), hash, "\(name): pixels differ from PIL's")
        }
    }

    func testFormatsAndKnownPixels() throws {
        let jpeg = try ImageFixtures.image("chelsea.jpg")
        XCTAssertEqual(jpeg.sourceFormat, .jpeg)
        XCTAssertTrue(jpeg.pixel(x: 0, y: 0) == (143, 119, 107))
        XCTAssertTrue(jpeg.pixel(x: 450, y: 299) == (163, 139, 129))

        let webp = try ImageFixtures.image("hubble.webp")
        XCTAssertEqual(webp.sourceFormat, .webp)
        XCTAssertTrue(webp.pixel(x: 200, y: 174) == (58, 30, 21))

        let palette = try ImageFixtures.image("chelsea-palette.png")
        XCTAssertEqual(palette.sourceFormat, .png)
        XCTAssertTrue(palette.pixel(x: 150, y: 100) == (189, 150, 124))
    }

    func testGrayscaleJPEGIsReplicatedToRGB() throws {
        let data = try ImageFixtures.data("camera-gray.jpg")
        XCTAssertEqual(try ImageDecoder.probe(data).sourceChannels, 1)
        let image = try ImageDecoder().decode(data)
        XCTAssertEqual(image.width, 384)
        let p = image.pixels
        let gray = stride(from: 0, to: p.count, by: 3).allSatisfy { (i: Int) -> Bool in
            p[i] == p[i + 1] && p[i + 1] == p[i + 2]
        }
        XCTAssertTrue(gray, "a grayscale JPEG must give R = G = B")
        XCTAssertTrue(image.pixel(x: 10, y: 20) == (203, 203, 203))
    }

    func testAlphaIsCompositedOntoWhite() throws {
        // The corner is fully transparent (alpha 0) in the file, over (130, 80, 50): that colour
        // was kept when alpha was dropped (issue #13); the centre is opaque.
        let data = try ImageFixtures.data("motorcycle-alpha.png")
        XCTAssertEqual(try ImageDecoder.probe(data).sourceChannels, 4)
        let image = try ImageDecoder().decode(data)
        XCTAssertTrue(image.pixel(x: 0, y: 0) == (255, 255, 255))
        XCTAssertTrue(image.pixel(x: 111, y: 75) == (73, 62, 54))
    }

    func testEXIFOrientationOfAJPEGIsApplied() throws {
        let data = try ImageFixtures.data("coffee-exif6.jpg")
        let info = try ImageDecoder.probe(data)
        XCTAssertEqual(info.exifOrientation, 6)
        XCTAssertEqual(info.width, 480)
        XCTAssertEqual(info.height, 320)
        let upright = try ImageDecoder().decode(data)
        let stored = try ImageDecoder(appliesOrientation: false).decode(data)
        XCTAssertEqual(upright.exifOrientation, 6)
        XCTAssertEqual([upright.width, upright.height], [480, 320])
        XCTAssertEqual([stored.width, stored.height], [320, 480])
        // Orientation 6: rotate 90° clockwise. Displayed (x, y) is stored (y, H − 1 − x).
        for (x, y) in [(0, 0), (479, 0), (0, 319), (240, 160), (13, 301)] {
            XCTAssertTrue(upright.pixel(x: x, y: y) == stored.pixel(x: y, y: stored.height - 1 - x), "(\(x), \(y))")
        }
        XCTAssertTrue(upright.pixel(x: 479, y: 0) == (228, 185, 143))
        XCTAssertTrue(upright.pixel(x: 0, y: 319) == (194, 139, 100))
    }

    /// A 3×2 PNG with distinct pixels and an eXIf chunk for each orientation 1…8.
    func testAllEightOrientations() throws {
        // Stored image (A B C / D E F); expected displayed layouts as in PIL's exif_transpose.
        let stored: [[UInt8]] = [[1, 2, 3], [4, 5, 6]]
        let expected: [Int: [[UInt8]]] = [
            1: [[1, 2, 3], [4, 5, 6]],
            2: [[3, 2, 1], [6, 5, 4]],  // mirror left-right
            3: [[6, 5, 4], [3, 2, 1]],  // rotate 180
            4: [[4, 5, 6], [1, 2, 3]],  // mirror top-bottom
            5: [[1, 4], [2, 5], [3, 6]],  // transpose
            6: [[4, 1], [5, 2], [6, 3]],  // rotate 90 clockwise
            7: [[6, 3], [5, 2], [4, 1]],  // transverse
            8: [[3, 6], [2, 5], [1, 4]],  // rotate 90 counter-clockwise
        ]
        let rgb = stored.flatMap { row in row.flatMap { [$0 * 10, $0 * 20, $0 * 30] } }
        let png = try ImageWriter.pngData(DecodedImage(width: 3, height: 2, pixels: rgb))
        for orientation in 1...8 {
            for bigEndian in [false, true] {
                let data = Self.insertingEXIF(into: png, orientation: orientation, bigEndian: bigEndian)
                let image = try ImageDecoder().decode(data)
                let want = expected[orientation]!
                XCTAssertEqual(image.exifOrientation, orientation)
                XCTAssertEqual(image.height, want.count, "orientation \(orientation)")
                XCTAssertEqual(image.width, want[0].count, "orientation \(orientation)")
                let got = (0..<image.height).map { y in (0..<image.width).map { x in image.pixel(x: x, y: y).red / 10 } }
                XCTAssertEqual(got, want, "orientation \(orientation)")
                XCTAssertEqual(try ImageDecoder.probe(data).width, want[0].count)
            }
        }
    }

    /// A 20×12 CMYK JPEG written by Pillow (Adobe APP14, inverted CMYK): converted to RGB
    /// with PIL's formula.
    func testCMYKJPEGMatchesPIL() throws {
        let data = try XCTUnwrap(Data(base64Encoded: Self.cmykJPEG))
        XCTAssertEqual(try ImageDecoder.probe(data).sourceChannels, 4)
        let image = try ImageDecoder().decode(data)
        XCTAssertEqual([image.width, image.height], [20, 12])
        XCTAssertEqual(ImageFixtures.fnv1a(image.pixels), 0x3455_6387_6601_aa4b)
    }

    /// A 20×12 lossless WebP with an EXIF chunk (orientation 8) written by Pillow.
    func testWebPEXIFOrientationIsApplied() throws {
        let data = try XCTUnwrap(Data(base64Encoded: Self.orientedWebP))
        let image = try ImageDecoder().decode(data)
        XCTAssertEqual(image.exifOrientation, 8)
        XCTAssertEqual([image.width, image.height], [12, 20])
        XCTAssertEqual(ImageFixtures.fnv1a(image.pixels), 0x0857_b7d5_2f0b_287d)
    }

    func testTruncatedFilesAreCorrupt() throws {
        for name in ["chelsea.jpg", "motorcycle-alpha.png", "hubble.webp", "camera-gray.jpg"] {
            let data = try ImageFixtures.data(name)
            for fraction in [0.5, 0.9] {
                let cut = data.prefix(Int(Double(data.count) * fraction))
                XCTAssertThrowsError(try ImageDecoder().decode(cut), "\(name) cut to \(fraction)") { error in
                    guard case ImageDecodingError.corrupt(let reason) = error else {
                        return XCTFail("\(name): expected .corrupt, got \(error)")
                    }
                    XCTAssertFalse(reason.isEmpty)
                }
            }
        }
        // A JPEG cut inside its header.
        let header = try ImageFixtures.data("rocket.jpg").prefix(40)
        XCTAssertThrowsError(try ImageDecoder().decode(header)) { error in
            guard case ImageDecodingError.corrupt = error else { return XCTFail("\(error)") }
        }
    }

    func testCorruptBytesInsideAPNGAreReported() throws {
        var bytes = [UInt8](try ImageFixtures.data("coffee-small.png"))
        for i in stride(from: bytes.count / 2, to: bytes.count / 2 + 64, by: 1) { bytes[i] ^= 0x5A }
        XCTAssertThrowsError(try ImageDecoder().decode(Data(bytes))) { error in
            guard case ImageDecodingError.corrupt = error else { return XCTFail("\(error)") }
        }
    }

    func testNonImagesAreUnsupported() throws {
        var generator = SystemRandomNumberGenerator()
        let random = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let text = Data("hello, this is not an image".utf8)
        for data in [random, text] where ImageFormat.sniff(data) == .unknown {
            XCTAssertThrowsError(try ImageDecoder().decode(data)) { error in
                guard case ImageDecodingError.unsupportedFormat(.unknown, _) = error else { return XCTFail("\(error)") }
            }
        }
        let heif = Data([0, 0, 0, 0x18]) + Data("ftypheic".utf8) + Data(count: 12)
        XCTAssertThrowsError(try ImageDecoder().decode(heif)) { error in
            guard case ImageDecodingError.unsupportedFormat(let format, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(format, .heif)
            XCTAssertTrue(detail.contains("HEIF"), detail)
        }
        XCTAssertEqual(ImageFormat.sniff(Data("BM....".utf8)), .bmp)
        XCTAssertEqual(ImageFormat.sniff(Data([0x49, 0x49, 0x2A, 0x00])), .tiff)
        XCTAssertThrowsError(try ImageDecoder().decode(Data())) { error in
            XCTAssertEqual(error as? ImageDecodingError, .empty)
        }
    }

    func testPixelLimitIsCheckedFromTheHeader() throws {
        let data = try ImageFixtures.data("chelsea.jpg")
        XCTAssertThrowsError(try ImageDecoder(maxPixels: 100_000).decode(data)) { error in
            XCTAssertEqual(error as? ImageDecodingError, .tooManyPixels(width: 451, height: 300, limit: 100_000))
        }
        XCTAssertNoThrow(try ImageDecoder(maxPixels: 451 * 300).decode(data))
        XCTAssertThrowsError(try ImageDecoder(maxBytes: 1000).decode(data)) { error in
            XCTAssertEqual(error as? ImageDecodingError, .tooManyBytes(count: data.count, limit: 1000))
        }
    }

    /// "Bombs": small files whose headers announce 60000 × 60000 pixels (14 GB of RGB) fail
    /// at once, without allocating or decoding.
    func testDecompressionBombsAreRefusedBeforeDecoding() throws {
        let huge = 60_000
        // JPEG: patch the SOF0 frame size of a real file.
        var jpeg = [UInt8](try ImageFixtures.data("chelsea.jpg"))
        var i = 2
        var patched = false
        while i + 9 < jpeg.count {
            guard jpeg[i] == 0xFF else { break }
            let marker = jpeg[i + 1]
            let length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
            if (0xC0...0xC2).contains(marker) {
                jpeg[i + 5] = UInt8(huge >> 8)
                jpeg[i + 6] = UInt8(huge & 0xFF)
                jpeg[i + 7] = UInt8(huge >> 8)
                jpeg[i + 8] = UInt8(huge & 0xFF)
                patched = true
                break
            }
            i += 2 + length
        }
        XCTAssertTrue(patched)
        // PNG: patch IHDR (bytes 16…23) and its CRC.
        var png = [UInt8](try ImageFixtures.data("coffee-small.png"))
        for k in 0..<2 {
            let v = UInt32(huge)
            for b in 0..<4 { png[16 + 4 * k + b] = UInt8((v >> (24 - 8 * UInt32(b))) & 0xFF) }
        }
        let crc = ImageFixtures.crc32(Array(png[12..<29]))
        for b in 0..<4 { png[29 + b] = UInt8((crc >> (24 - 8 * UInt32(b))) & 0xFF) }

        for (name, bytes) in [("jpeg", jpeg), ("png", png)] {
            let start = Date()
            XCTAssertThrowsError(try ImageDecoder().decode(Data(bytes)), name) { error in
                XCTAssertEqual(
                    error as? ImageDecodingError,
                    .tooManyPixels(width: huge, height: huge, limit: ImageDecoder.defaultMaxPixels), name)
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 0.5, "\(name): the limit must be checked before decoding")
            let info = try ImageDecoder.probe(Data(bytes))
            XCTAssertEqual([info.width, info.height], [huge, huge])
        }
    }

    func testConcurrentDecodingGivesIdenticalResults() async throws {
        let names = Self.pilReference.map(\.0)
        let datas = try names.map { try ImageFixtures.data($0) }
        let expected = Self.pilReference.map(\.3)
        try await withThrowingTaskGroup(of: (Int, UInt64).self) { group in
            for round in 0..<4 {
                for (i, data) in datas.enumerated() {
                    group.addTask { (i, ImageFixtures.fnv1a(try ImageDecoder().decode(data).pixels)) }
                    _ = round
                }
            }
            for try await (i, hash) in group { XCTAssertEqual(hash, expected[i], names[i]) }
        }
    }

    // MARK: - Helpers

    static let cmykJPEG = """
        /9j/7gAOQWRvYmUAZAAAAAAA/9sAQwACAQEBAQECAQEBAgICAgIEAwICAgIFBAQDBAYFBgYGBQYGBgcJCAYHCQcGBggLCAkKCgoK
        CgYICwwLCgwJCgoK/8AAFAgADAAUBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIB
        AwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZH
        SElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV
        1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwD8p/2JP+XT/gNfC/8Aw6S/6ln/AMg1+ff7Lf7Lf/Ht/wAS
        70/gr9/K/YD9iT/l0/4DR/w6S/6ln/yDX6Qfst/st/8AHt/xLvT+Civ1E+E//Ik2v+ewo/4dJf8AUs/+Qa+8/h7+y3/xS8H/ABLv
        /HPYUV/J3+xJ/wAun/Aa/oc/4Zt+E3/Qv/qP8K/N/wDZb+Hvhf8A0b/QfTuP8KK/YD9iT/l0/wCA0f8ADNvwm/6F/wDUf4V+kH7L
        fw98L/6N/oPp3H+FFfqJ8J/+RJtf89hR/wAM2/Cb/oX/ANR/hX5hf8FxP+C4n/BSn9kD/gpT45/Za/Za+OWn+CfBvgnT9Ft7Cwsv
        BWk30l5Jc6TaahLczy6hbXDmUveNEBGY4xHDF8m/zJJCv//Z
        """.replacingOccurrences(of: "\n", with: "")

    static let orientedWebP =
        "UklGRl4AAABXRUJQVlA4WAoAAAAIAAAAEwAACwAAVlA4TB4AAAAvE8ACALmM6H/sIqL/ASEBYYT/ezV1GCYhJgC41DVFWElGGgAAAE1NACoAAAAIAAEBEgADAAAAAQAIAAAAAAAA"

    /// Inserts an eXIf chunk (TIFF header + IFD0 with the orientation tag) after IHDR.
    static func insertingEXIF(into png: Data, orientation: Int, bigEndian: Bool) -> Data {
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { bigEndian ? u16(v >> 16) + u16(v & 0xFFFF) : u16(v & 0xFFFF) + u16(v >> 16) }
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        tiff += u16(42) + u32(8)
        tiff += u16(2)  // two IFD entries
        tiff += u16(0x010F) + u16(2) + u32(4) + [0x51, 0x72, 0x79, 0]  // Make = "Qry"
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + [0, 0]
        tiff += u32(0)
        let type = Array("eXIf".utf8)
        let crc = ImageFixtures.crc32(type + tiff)
        let length = UInt32(tiff.count)
        var chunk = (0..<4).map { UInt8((length >> (24 - 8 * UInt32($0))) & 0xFF) }
        chunk += type + tiff
        chunk += (0..<4).map { UInt8((crc >> (24 - 8 * UInt32($0))) & 0xFF) }
        var bytes = [UInt8](png)
        bytes.insert(contentsOf: chunk, at: 33)  // signature (8) + IHDR chunk (25)
        return Data(bytes)
    }
}
