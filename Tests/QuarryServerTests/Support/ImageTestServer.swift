import Embeddings
import Foundation
import Hummingbird
import Logging
import QuarryCore
import QuarryServer

/// A data folder with a text collection (`course`, from ``TestServer``) and an
/// image collection (`products`) of six generated pictures embedded by the
/// real EfficientNet-Lite0, served with small image limits.
struct ImageTestServer {
    let base: TestServer
    let products: ImageCollection
    /// The stored ids of the pictures, by seed.
    let ids: [Int64]

    static let limits = RequestLimits(maxImageBytes: 256 << 10, maxImagePixels: 1_000_000)

    init(dataDirectory: URL? = nil) throws {
        base = try TestServer(limits: Self.limits, dataDirectory: dataDirectory)
        products = try base.library.imageCollection(creating: "products")
        let result = try products.add(
            (0..<6).map { seed in
                ImageInput(
                    path: "catalogue/\(seed).png", data: try Self.picture(seed: seed), category: seed < 3 ? "warm" : "cool",
                    price: Double(10 * (seed + 1)), title: "picture \(seed)", metadata: ["seed": .number(Double(seed))]
                )
            })
        ids = result.outcomes.compactMap { if case .stored(let id) = $0 { id } else { nil } }
    }

    /// A 64 × 48 PNG of stripes whose colours and width follow `seed`.
    static func picture(seed: Int, width: Int = 64, height: Int = 48) throws -> Data {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let stripe = (x / (4 + seed * 3) + y / (6 + seed)) % 2
                let offset = (y * width + x) * 3
                pixels[offset] = UInt8(truncatingIfNeeded: seed * 40 + stripe * 150)
                pixels[offset + 1] = UInt8(truncatingIfNeeded: 200 - seed * 30 + stripe * 40)
                pixels[offset + 2] = UInt8(truncatingIfNeeded: seed * 90 + (1 - stripe) * 100)
            }
        }
        return try ImageWriter.pngData(DecodedImage(width: width, height: height, pixels: pixels))
    }

    var application: some ApplicationProtocol { base.application }

    func remove() { base.remove() }
}
