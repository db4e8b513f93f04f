import Embeddings
import Foundation
import QuarryCore

/// Small generated pictures and a cheap deterministic image encoder, for
/// testing image collections' storage and index logic without running the CNN
/// (the CNN is checked against its reference in EmbeddingsTests, and end to end
/// by scripts/system-test.sh).
enum TestImages {
    /// A 32 × 32 picture whose colours follow `seed` (different seeds give clearly different pictures).
    static func picture(seed: UInt64, side: Int = 32) -> DecodedImage {
        var generator = SplitMix64(seed: seed &+ 1)
        let base = (0..<3).map { _ in Double(generator.next() % 200) + 28 }
        let slope = (0..<3).map { _ in Double(generator.next() % 100) / 100 - 0.5 }
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                for channel in 0..<3 {
                    let value = base[channel] + slope[channel] * Double(channel == 1 ? x : y) * 3
                    pixels[(y * side + x) * 3 + channel] = UInt8(max(0, min(255, value)))
                }
            }
        }
        return DecodedImage(width: side, height: side, pixels: pixels)
    }

    static func png(seed: UInt64) throws -> Data {
        try ImageWriter.pngData(picture(seed: seed))
    }
}

/// Mean colour of each cell of a 4 × 4 grid, L2-normalised: 48 values.
struct GridColorEncoder: ImageEncoder {
    var dimension: Int { 48 }

    func embed(_ image: DecodedImage) throws -> [Float] {
        var sums = [Float](repeating: 0, count: 48)
        var counts = [Float](repeating: 0, count: 16)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let cell = (y * 4 / image.height) * 4 + x * 4 / image.width
                let pixel = image.pixel(x: x, y: y)
                sums[cell * 3] += Float(pixel.red) - 128
                sums[cell * 3 + 1] += Float(pixel.green) - 128
                sums[cell * 3 + 2] += Float(pixel.blue) - 128
                counts[cell] += 1
            }
        }
        let means = sums.enumerated().map { $0.element / max(counts[$0.offset / 3], 1) }
        let norm = max(means.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-6)
        return means.map { $0 / norm }
    }
}
