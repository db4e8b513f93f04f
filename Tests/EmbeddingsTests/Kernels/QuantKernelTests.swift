import XCTest

@testable import Embeddings

final class QuantKernelTests: XCTestCase {
    /// The 4-bit layer gives the same result on every SIMD path and matches a float
    /// reference computed from the dequantised weights and activations.
    func testQ4LayerAgreesAcrossPathsAndWithReference() {
        let outputs = 64
        let inputs = 256
        let rows = 13
        var rng = SystemRandomNumberGenerator()
        var blocks = [UInt8](repeating: 0, count: outputs * inputs / 32 * 18)
        for b in 0..<(outputs * inputs / 32) {
            let scale = Float16(Float.random(in: 0.001...0.05, using: &rng))
            withUnsafeBytes(of: scale.bitPattern.littleEndian) {
                blocks[b * 18] = $0[0]
                blocks[b * 18 + 1] = $0[1]
            }
            for j in 0..<16 { blocks[b * 18 + 2 + j] = UInt8.random(in: 0...255, using: &rng) }
        }
        let bias = (0..<outputs).map { _ in Float.random(in: -1...1, using: &rng) }
        let x = (0..<(rows * inputs)).map { i in Float.random(in: -2...2, using: &rng) * (i % 31 == 0 ? 8 : 1) }
        let layer = blocks.withUnsafeBytes { LinearLayer(q4Blocks: $0, bias: bias, outputs: outputs, inputs: inputs) }

        // Reference: dequantised weights × fp32 activations.
        var w = [Float](repeating: 0, count: outputs * inputs)
        blocks.withUnsafeBufferPointer { b in
            for i in 0..<(outputs * inputs / 32) {
                let p = b.baseAddress! + i * 18
                let d = Float(Float16(bitPattern: UInt16(p[0]) | UInt16(p[1]) << 8))
                for j in 0..<16 {
                    w[i * 32 + j] = d * Float(Int(p[2 + j] & 15) - 8)
                    w[i * 32 + j + 16] = d * Float(Int(p[2 + j] >> 4) - 8)
                }
            }
        }
        var reference = [Float](repeating: 0, count: rows * outputs)
        for r in 0..<rows {
            for o in 0..<outputs {
                var acc: Double = Double(bias[o])
                for i in 0..<inputs { acc += Double(x[r * inputs + i]) * Double(w[o * inputs + i]) }
                reference[r * outputs + o] = Float(acc)
            }
        }

        defer { SIMDLevel.limit(to: nil) }
        var results: [SIMDLevel: [Float]] = [:]
        for level in SIMDLevel.allCases where level <= SIMDLevel.detected {
            SIMDLevel.limit(to: level)
            let scratch = QuantScratch(rows: rows, maxInputs: inputs)
            var y = [Float](repeating: 0, count: rows * outputs)
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    layer.apply(xp.baseAddress!, rows: rows, into: yp.baseAddress!, scratch: scratch, threads: 1)
                }
            }
            results[level] = y
            for r in 0..<rows {
                let c = cosine(y[(r * outputs)..<((r + 1) * outputs)], reference[(r * outputs)..<((r + 1) * outputs)])
                XCTAssertGreaterThan(c, 0.999, "\(level) row \(r)")
            }
        }
        let scalar = results[.scalar]!
        for (level, y) in results {
            for i in 0..<y.count { XCTAssertEqual(y[i], scalar[i], accuracy: 1e-4 * max(1, abs(scalar[i])), "\(level)") }
        }
    }

    /// fp32 panels, bf16 panels and the BLAS fallback agree with a float64 reference, on every
    /// SIMD path.
    func testDenseLayersMatchReference() {
        var rng = SystemRandomNumberGenerator()
        let inputs = 96
        let rows = 11
        let x = (0..<(rows * inputs)).map { _ in Float.random(in: -2...2, using: &rng) }
        defer { SIMDLevel.limit(to: nil) }
        for outputs in [64, 40] {  // 40: not a multiple of 32, so OpenBLAS sgemm
            let w = (0..<(outputs * inputs)).map { _ in Float.random(in: -0.5...0.5, using: &rng) }
            let bias = (0..<outputs).map { _ in Float.random(in: -1...1, using: &rng) }
            var reference = [Double](repeating: 0, count: rows * outputs)
            for r in 0..<rows {
                for o in 0..<outputs {
                    var acc = Double(bias[o])
                    for i in 0..<inputs { acc += Double(x[r * inputs + i]) * Double(w[o * inputs + i]) }
                    reference[r * outputs + o] = acc
                }
            }
            for precision in [MatrixPrecision.float32, .bfloat16] {
                let layer = LinearLayer(dense: w, bias: bias, outputs: outputs, inputs: inputs, precision: precision)
                for level in SIMDLevel.allCases where level <= SIMDLevel.detected {
                    SIMDLevel.limit(to: level)
                    let scratch = QuantScratch(rows: rows, maxInputs: inputs, int8: false, bf16: layer.isBF16)
                    var y = [Float](repeating: 0, count: rows * outputs)
                    x.withUnsafeBufferPointer { xp in
                        y.withUnsafeMutableBufferPointer { yp in
                            layer.apply(xp.baseAddress!, rows: rows, into: yp.baseAddress!, scratch: scratch, threads: 1)
                        }
                    }
                    let tolerance = layer.isBF16 ? 0.05 : 1e-4
                    for i in 0..<y.count {
                        XCTAssertEqual(
                            Double(y[i]), reference[i], accuracy: tolerance,
                            "\(outputs) outputs, \(precision), \(level), element \(i)")
                    }
                }
                SIMDLevel.limit(to: nil)
            }
        }
    }

    func testEmbeddingMatrixRows() {
        let m = EmbeddingMatrix(storage: [1, 2, 3, 4, 5, 6], dimension: 3)
        XCTAssertEqual(m.count, 2)
        XCTAssertEqual(Array(m[1]), [4, 5, 6])
        XCTAssertEqual(m.rows, [[1, 2, 3], [4, 5, 6]])
        XCTAssertTrue(EmbeddingMatrix(dimension: 3).isEmpty)
    }
}
