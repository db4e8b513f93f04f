import Foundation
import XCTest

@testable import Embeddings

/// Image fixtures (Tests/EmbeddingsTests/Fixtures/images, efficientnet-lite0.json; generated
/// by scripts/golden/) and the EfficientNet-Lite0 weights placed by scripts/fetch-models.sh.
enum ImageFixtures {
    static let fixturesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let imagesDirectory = fixturesDirectory.appendingPathComponent("images")

    /// `$QUARRY_MODELS_DIR`, or `models/` at the repository root.
    static let modelsDirectory: URL = {
        if let dir = ProcessInfo.processInfo.environment["QUARRY_MODELS_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models")
    }()

    static var weightsURL: URL {
        modelsDirectory.appendingPathComponent("efficientnet-lite0/efficientnet-lite0.safetensors")
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: imagesDirectory.appendingPathComponent(name))
    }

    static func image(_ name: String, decoder: ImageDecoder = ImageDecoder()) throws -> DecodedImage {
        try decoder.decode(data(name))
    }

    /// One shared network per test process (loading takes a moment in debug builds).
    private static let sharedModel: Result<EfficientNetLite0, Error>? = {
        guard FileManager.default.fileExists(atPath: weightsURL.path) else { return nil }
        return Result { try EfficientNetLite0(contentsOf: weightsURL) }
    }()

    /// The network, or an XCTSkip when the weights are not there.
    static func model() throws -> EfficientNetLite0 {
        guard let sharedModel else {
            throw XCTSkip("EfficientNet-Lite0 weights not found at \(weightsURL.path); run scripts/fetch-models.sh")
        }
        return try sharedModel.get()
    }

    struct Entry: Decodable {
        let file: String
        let top1: Int
        let top5: [Int]
        let top1Margin: Float
        let feature: [Float]
        let featureNorm: Float
        let decodedSize: [Int]
        let resizedSize: [Int]
        let cropOffset: [Int]
        let inputFloats: String?

        enum CodingKeys: String, CodingKey {
            case file, top1, top5, feature
            case top1Margin = "top1_margin"
            case featureNorm = "feature_norm"
            case decodedSize = "decoded_size"
            case resizedSize = "resized_size"
            case cropOffset = "crop_offset"
            case inputFloats = "input_f32"
        }

        var name: String { String(file.dropFirst("images/".count)) }
    }

    struct Golden: Decodable {
        let dimension: Int
        let entries: [Entry]
    }

    static func golden() throws -> Golden {
        let url = fixturesDirectory.appendingPathComponent("efficientnet-lite0.json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }

    static func floats(_ file: String) throws -> [Float] {
        let d = try Data(contentsOf: fixturesDirectory.appendingPathComponent(file))
        return d.withUnsafeBytes { raw in
            (0..<(d.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// FNV-1a (64-bit) of a byte array: a compact fingerprint of decoded pixels.
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    /// Cosine similarity in double precision.
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count)
        var dot = 0.0
        var na = 0.0
        var nb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    /// CRC-32 (PNG, zlib) for building PNG chunks in tests.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }
}
