import CImageCodecs
import Foundation
import XCTest

@testable import Embeddings

final class EfficientNetLite0Tests: XCTestCase {
    /// The network alone, on the reference's own preprocessed tensors: cosine ≥ 0.9999.
    func testNetworkOnReferenceInputsMatchesPyTorch() throws {
        let model = try ImageFixtures.model()
        for entry in try ImageFixtures.golden().entries {
            guard let file = entry.inputFloats else { continue }
            let output = try model.outputs(preprocessed: ImageFixtures.floats(file))[0]
            let c = ImageFixtures.cosine(output.embedding, entry.feature)
            print("efficientnet-lite0 \(entry.name) (reference input): cosine \(c)")
            XCTAssertGreaterThanOrEqual(c, 0.9999, entry.name)
            XCTAssertEqual(Self.norm(output.pooled), entry.featureNorm, accuracy: 1e-3 * entry.featureNorm)
            XCTAssertEqual(EfficientNetLite0.topK(output.logits, 1), [entry.top1], entry.name)
        }
    }

    /// From the image file to the embedding: cosine ≥ 0.999 and the reference's top-1 class for
    /// every fixture image (either of the two leading classes where the reference itself has a
    /// near-tie, margin < 0.05).
    func testEndToEndFromFilesMatchesPyTorch() throws {
        let model = try ImageFixtures.model()
        let golden = try ImageFixtures.golden()
        XCTAssertEqual(golden.dimension, model.dimension)
        var worst = (2.0, "")
        for entry in golden.entries {
            let image = try ImageFixtures.image(entry.name)
            let output = try model.outputs(for: [image])[0]
            XCTAssertEqual(output.embedding.count, 1280)
            let c = ImageFixtures.cosine(output.embedding, entry.feature)
            if c < worst.0 { worst = (c, entry.name) }
            XCTAssertGreaterThanOrEqual(c, 0.999, entry.name)
            let top = EfficientNetLite0.topK(output.logits, 5)
            let accepted = entry.top1Margin < 0.05 ? Array(entry.top5.prefix(2)) : [entry.top1]
            XCTAssertTrue(accepted.contains(top[0]), "\(entry.name): top-1 \(top[0]), reference \(entry.top5)")
            XCTAssertEqual(try model.embed(imageData: ImageFixtures.data(entry.name)), output.embedding, entry.name)
        }
        print("efficientnet-lite0: min cosine vs PyTorch end to end = \(worst.0) at \(worst.1)")
    }

    func testEmbeddingsAreUnitLengthAndBatchEqualsSingle() throws {
        let model = try ImageFixtures.model()
        let names = ["chelsea.jpg", "rocket-tall.jpg", "hubble.webp"]
        let images = try names.map { try ImageFixtures.image($0) }
        let batch = try model.embed(batch: images)
        XCTAssertEqual(batch.count, 3)
        for (i, image) in images.enumerated() {
            XCTAssertEqual(Self.norm(batch[i]), 1, accuracy: 1e-5)
            let single = try model.embed(image)
            XCTAssertGreaterThanOrEqual(ImageFixtures.cosine(single, batch[i]), 0.999999, names[i])
        }
        XCTAssertEqual(try model.embed(batch: []), [])
        let logits = try model.classify(images[0])
        XCTAssertEqual(logits.count, 1000)
        // Batches larger than maxBatch are split.
        let small = try EfficientNetLite0(contentsOf: ImageFixtures.weightsURL, maxBatch: 2)
        let split = try small.embed(batch: images)
        for i in images.indices { XCTAssertGreaterThanOrEqual(ImageFixtures.cosine(split[i], batch[i]), 0.999999) }
    }

    /// A single image's layers split among threads (a search on an idle server) give the
    /// embedding of one thread: each output row is the same dot products.
    func testRowSplittingAcrossThreadsGivesTheSameEmbedding() throws {
        let model = try ImageFixtures.model()
        for name in ["chelsea.jpg", "motorcycle-alpha.png", "rocket-tall.jpg"] {
            let image = try ImageFixtures.image(name)
            let single = try model.embed(image)
            for threads in [2, 3] {
                let split = try model.embed(image, threads: threads)
                XCTAssertEqual(split.count, single.count)
                XCTAssertLessThanOrEqual(zip(split, single).map { abs($0 - $1) }.max() ?? 1, 1e-6, "\(name), \(threads) threads")
            }
        }
    }

    func testManyConcurrentCallsGiveTheSameResults() async throws {
        let model = try ImageFixtures.model()
        let names = ["chelsea.jpg", "camera-gray.jpg", "motorcycle-alpha.png", "coffee-exif6.jpg"]
        let datas = try names.map { try ImageFixtures.data($0) }
        let expected = try datas.map { try model.embed(imageData: $0) }
        try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for task in 0..<8 {
                group.addTask {
                    let i = task % datas.count
                    if task % 2 == 0 { return (i, try model.embed(imageData: datas[i])) }
                    let batch = try model.embed(batch: [try ImageDecoder().decode(datas[i]), try ImageDecoder().decode(datas[(i + 1) % datas.count])])
                    return (i, batch[0])
                }
            }
            for try await (i, vector) in group {
                XCTAssertGreaterThanOrEqual(ImageFixtures.cosine(vector, expected[i]), 0.999999, names[i])
            }
        }
    }

    func testErrors() throws {
        let model = try ImageFixtures.model()
        XCTAssertThrowsError(try model.outputs(preprocessed: [1, 2, 3])) { error in
            XCTAssertEqual(error as? ImageEncoderError, .inputSize(expected: 224 * 224 * 3, actual: 3))
        }
        XCTAssertThrowsError(try model.embed(imageData: Data("not an image".utf8))) { error in
            guard case ImageDecodingError.unsupportedFormat = error else { return XCTFail("\(error)") }
        }
        let wrongFile = FileManager.default.temporaryDirectory.appendingPathComponent("not-efficientnet-\(UUID()).safetensors")
        let header = Array(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.utf8)
        try Data([UInt8(header.count), 0, 0, 0, 0, 0, 0, 0] + header + [0, 0, 0, 0]).write(to: wrongFile)
        defer { try? FileManager.default.removeItem(at: wrongFile) }
        XCTAssertThrowsError(try EfficientNetLite0(contentsOf: wrongFile)) { error in
            guard case SafeTensorsError.tensorNotFound(_, "_conv_stem.weight") = error else { return XCTFail("\(error)") }
        }
    }

    /// The vectorised depthwise kernel against a plain loop, for odd channel counts, both
    /// strides, 3×3 and 5×5, and "SAME" padding on every edge.
    func testDepthwiseKernelMatchesNaiveConvolution() {
        var generator = SystemRandomNumberGenerator()
        for (h, w, c, k, s) in [(9, 7, 8, 3, 1), (10, 11, 24, 5, 2), (7, 7, 40, 5, 1), (6, 5, 72, 3, 2), (4, 9, 136, 5, 1), (3, 3, 19, 3, 2)] {
            let input = (0..<(h * w * c)).map { _ in Float.random(in: -2...2, using: &generator) }
            let weight = (0..<(k * k * c)).map { _ in Float.random(in: -1...1, using: &generator) }
            let bias = (0..<c).map { _ in Float.random(in: -1...1, using: &generator) }
            let oh = (h + s - 1) / s
            let ow = (w + s - 1) / s
            let padTop = max((oh - 1) * s + k - h, 0) / 2
            let padLeft = max((ow - 1) * s + k - w, 0) / 2
            var output = [Float](repeating: .nan, count: oh * ow * c)
            output.withUnsafeMutableBufferPointer { out in
                cic_depthwise_conv_nhwc(
                    input, Int32(h), Int32(w), Int32(c), weight, bias, Int32(k), Int32(s),
                    Int32(padTop), Int32(padLeft), out.baseAddress, Int32(oh), Int32(ow), 1,
                    0, Int32(oh))
            }
            var worst: Float = 0
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for ch in 0..<c {
                        var acc = bias[ch]
                        for ky in 0..<k {
                            for kx in 0..<k {
                                let iy = oy * s + ky - padTop
                                let ix = ox * s + kx - padLeft
                                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                    acc += input[(iy * w + ix) * c + ch] * weight[(ky * k + kx) * c + ch]
                                }
                            }
                        }
                        acc = min(max(acc, 0), 6)
                        worst = max(worst, abs(acc - output[(oy * ow + ox) * c + ch]))
                    }
                }
            }
            XCTAssertLessThan(worst, 1e-4, "\(h)×\(w)×\(c) k\(k) s\(s) (\(String(cString: cic_depthwise_isa())))")
        }
    }

    /// Splitting the rows of a batch between threads gives exactly the single-thread result.
    func testDepthwiseRowSplittingIsExact() {
        var generator = SystemRandomNumberGenerator()
        let (n, h, w, c, k) = (3, 13, 11, 48, 5)
        let input = (0..<(n * h * w * c)).map { _ in Float.random(in: -2...2, using: &generator) }
        let weight = (0..<(k * k * c)).map { _ in Float.random(in: -1...1, using: &generator) }
        let bias = (0..<c).map { _ in Float.random(in: -1...1, using: &generator) }
        for stride in [1, 2] {
            let out = ((h + stride - 1) / stride) * ((w + stride - 1) / stride) * c * n
            var results: [[Float]] = []
            for threads in [1, 2, 5, 64] {
                var output = [Float](repeating: .nan, count: out)
                output.withUnsafeMutableBufferPointer { o in
                    ConvolutionKernels.depthwise(
                        input, count: n, height: h, width: w, channels: c, weight: weight,
                        bias: bias, kernel: k, stride: stride, output: o.baseAddress!,
                        threads: threads)
                }
                XCTAssertFalse(output.contains { $0.isNaN }, "threads \(threads): rows left unwritten")
                results.append(output)
            }
            for r in results.dropFirst() { XCTAssertEqual(r, results[0], "stride \(stride)") }
        }
    }

    private static func norm(_ v: [Float]) -> Float {
        v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
}
