import CBLAS
import CImageCodecs
import Foundation

/// EfficientNet-Lite0 (ImageNet), run in Swift on OpenBLAS: the image encoder of Quarry.
///
/// Architecture (as the PyTorch reference checkpoint `efficientnet-lite0-57934424.pth`):
/// a 3×3 stride-2 stem to 32 channels, 16 inverted-residual blocks (optional 1×1 expansion,
/// k×k depthwise, 1×1 linear projection; identity skip when the stride is 1 and the channel
/// count is unchanged; stride 2 in blocks 1, 3, 5 and 11), a 1×1 head to 1280 channels,
/// global average pooling and a 1000-way linear classifier. BatchNorm (ε = 1e-3) is folded
/// into the convolutions at load time; activations are ReLU6; padding is TensorFlow "SAME"
/// (the extra row/column of an odd total goes to the bottom/right); no squeeze-excitation.
///
/// ``embed(_:)`` returns the pooled 1280-d features, L2-normalised. Inputs are preprocessed
/// by ``preprocessor`` (resize shorter side to 256 like PIL, centre crop 224, (x − 127) / 128).
///
/// Weights are immutable after loading and every call takes its own scratch buffers, so
/// one instance serves many tasks at once. Matrix products use OpenBLAS with whatever
/// thread count it is configured for, and the depthwise convolutions split their rows over
/// the same number of threads; for a server that runs many requests in parallel, one BLAS
/// thread per call is usually best (`openblas_set_num_threads(1)`), for batch ingestion
/// one per core.
public final class EfficientNetLite0: ImageEncoder, @unchecked Sendable {
    /// Length of the feature vector.
    public static let featureDimension = 1280
    /// Number of ImageNet classes of the classifier.
    public static let classCount = 1000
    /// BatchNorm epsilon of the checkpoint (TensorFlow's default 1e-3).
    public static let batchNormEpsilon = 1e-3

    /// Result of a forward pass for one image.
    public struct Output: Sendable {
        /// Global-average-pooled features before normalisation (1280 values).
        public let pooled: [Float]
        /// ``pooled`` scaled to unit L2 norm: the embedding.
        public let embedding: [Float]
        /// ImageNet logits (1000 values), or empty when not requested.
        public let logits: [Float]
    }

    /// The instruction set the depthwise convolutions use on this CPU ("avx512f", "avx2+fma"
    /// or "scalar"), chosen at run time.
    public static var depthwiseInstructionSet: String { String(cString: cic_depthwise_isa()) }

    public var dimension: Int { Self.featureDimension }
    /// Decoder used by ``embed(imageData:)``.
    public let decoder: ImageDecoder
    /// Preprocessing applied by ``embed(_:)`` and ``classify(_:)``.
    public let preprocessor: ImagePreprocessor
    /// Images run through the network together inside a batched call.
    public let maxBatch: Int

    struct Pointwise {
        let inputChannels: Int
        let outputChannels: Int
        let weight: [Float]  // [out, in]
        let bias: [Float]
    }

    struct Depthwise {
        let channels: Int
        let kernel: Int
        let stride: Int
        let weight: [Float]  // [k, k, channels]
        let bias: [Float]
    }

    struct Block {
        let expand: Pointwise?
        let depthwise: Depthwise
        let project: Pointwise
        let residual: Bool
    }

    /// (repeats, kernel, stride of the first block, expansion, input channels, output channels)
    static let stages: [(Int, Int, Int, Int, Int, Int)] = [
        (1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
        (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320),
    ]
    static let stemChannels = 32

    let stemWeight: [Float]  // [32, 27], columns ordered (ky, kx, channel)
    let stemBias: [Float]
    let blocks: [Block]
    let head: Pointwise
    let classifierWeight: [Float]  // [1000, 1280]
    let classifierBias: [Float]
    /// Floats per image in the largest activation (the size of each scratch buffer).
    let activationElements: Int
    private let scratch = ScratchPool(buffers: 3, keep: 2)

    /// Loads the network from a safetensors file with the original PyTorch parameter names.
    /// - Throws: ``SafeTensorsError`` for a missing or malformed file, a missing tensor or a
    ///   tensor of the wrong shape.
    public convenience init(
        contentsOf url: URL, decoder: ImageDecoder = ImageDecoder(),
        preprocessor: ImagePreprocessor = ImagePreprocessor(), maxBatch: Int = 8
    ) throws {
        try self.init(
            weights: SafeTensors(contentsOf: url), decoder: decoder, preprocessor: preprocessor,
            maxBatch: maxBatch)
    }

    /// Builds the network from loaded weights (which can be released afterwards).
    public init(
        weights st: SafeTensors, decoder: ImageDecoder = ImageDecoder(),
        preprocessor: ImagePreprocessor = ImagePreprocessor(), maxBatch: Int = 8
    ) throws {
        precondition(maxBatch >= 1, "maxBatch must be at least 1")
        self.decoder = decoder
        self.preprocessor = preprocessor
        self.maxBatch = maxBatch

        // Stem: [32, 3, 3, 3] (out, in, ky, kx) → [32, (ky, kx, in)].
        let stem = try st.floats("_conv_stem.weight", expectedShape: [Self.stemChannels, 3, 3, 3])
        let (stemScale, stemShift) = try Self.batchNorm(st, "_bn0", channels: Self.stemChannels)
        var sw = [Float](repeating: 0, count: Self.stemChannels * 27)
        for o in 0..<Self.stemChannels {
            for c in 0..<3 {
                for ky in 0..<3 {
                    for kx in 0..<3 {
                        sw[o * 27 + (ky * 3 + kx) * 3 + c] = stem[((o * 3 + c) * 3 + ky) * 3 + kx] * stemScale[o]
                    }
                }
            }
        }
        stemWeight = sw
        stemBias = stemShift

        var blocks: [Block] = []
        for (repeats, kernel, firstStride, expansion, stageIn, stageOut) in Self.stages {
            for r in 0..<repeats {
                let index = blocks.count
                let p = "_blocks.\(index)."
                let inC = r == 0 ? stageIn : stageOut
                let stride = r == 0 ? firstStride : 1
                let hidden = inC * expansion
                var expand: Pointwise?
                if expansion != 1 {
                    expand = try Self.pointwise(st, p + "_expand_conv.weight", bn: p + "_bn0", input: inC, output: hidden)
                } else if st.contains(p + "_expand_conv.weight") {
                    throw ImageEncoderError.architecture("block \(index) has an unexpected expansion convolution")
                }
                let dw = try Self.depthwise(
                    st, p + "_depthwise_conv.weight", bn: p + "_bn1", channels: hidden,
                    kernel: kernel, stride: stride)
                let project = try Self.pointwise(st, p + "_project_conv.weight", bn: p + "_bn2", input: hidden, output: stageOut)
                blocks.append(
                    Block(
                        expand: expand, depthwise: dw, project: project,
                        residual: stride == 1 && inC == stageOut))
            }
        }
        if st.contains("_blocks.\(blocks.count)._project_conv.weight") {
            throw ImageEncoderError.architecture("the file has more than \(blocks.count) blocks")
        }
        self.blocks = blocks
        head = try Self.pointwise(st, "_conv_head.weight", bn: "_bn1", input: 320, output: Self.featureDimension)
        classifierWeight = try st.floats("_fc.weight", expectedShape: [Self.classCount, Self.featureDimension])
        classifierBias = try st.floats("_fc.bias", expectedShape: [Self.classCount])
        activationElements = Self.largestActivation(side: preprocessor.cropSize, blocks: blocks)
    }

    // MARK: - Public API

    /// The L2-normalised 1280-d embedding of an image.
    public func embed(_ image: DecodedImage) throws -> [Float] {
        try run(images: [image], logits: false)[0].embedding
    }

    /// The embedding of an image, each layer's rows split among `threads` threads: a lower
    /// latency for one image when cores are idle (the result equals ``embed(_:)``'s).
    public func embed(_ image: DecodedImage, threads: Int) throws -> [Float] {
        try run(images: [image], logits: false, threads: threads)[0].embedding
    }

    /// Decodes an encoded image with ``decoder`` and embeds it.
    /// - Throws: ``ImageDecodingError`` for unusable data.
    public func embed(imageData: Data) throws -> [Float] {
        try embed(decoder.decode(imageData))
    }

    /// Embeddings of several images, run through the network ``maxBatch`` at a time.
    public func embed(batch images: [DecodedImage]) throws -> [[Float]] {
        try run(images: images, logits: false).map(\.embedding)
    }

    /// ImageNet logits (1000 values) of an image.
    public func classify(_ image: DecodedImage) throws -> [Float] {
        try run(images: [image], logits: true)[0].logits
    }

    /// Pooled features, embedding and (optionally) logits of several images.
    public func outputs(for images: [DecodedImage], logits: Bool = true) throws -> [Output] {
        try run(images: images, logits: logits)
    }

    /// Runs the network on already preprocessed inputs: `count` images, each
    /// `cropSize × cropSize × 3` floats in HWC order, concatenated.
    /// - Throws: ``ImageEncoderError/inputSize(expected:actual:)`` if `input` has the wrong length.
    public func outputs(preprocessed input: [Float], count: Int = 1, logits: Bool = true) throws -> [Output] {
        let per = preprocessor.elementCount
        guard count >= 1, input.count == per * count else {
            throw ImageEncoderError.inputSize(expected: per * max(count, 1), actual: input.count)
        }
        return input.withUnsafeBufferPointer { buffer in
            var results: [Output] = []
            var start = 0
            while start < count {
                let n = min(maxBatch, count - start)
                results += forward(buffer.baseAddress! + start * per, count: n, logits: logits)
                start += n
            }
            return results
        }
    }

    /// Indices of the `k` largest values, largest first.
    public static func topK(_ values: [Float], _ k: Int) -> [Int] {
        Array(values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.prefix(k))
    }

    // MARK: - Forward pass

    private func run(images: [DecodedImage], logits: Bool, threads: Int = 1) throws -> [Output] {
        if images.isEmpty { return [] }
        for image in images { try preprocessor.checkResizedSize(of: image) }
        let per = preprocessor.elementCount
        var results: [Output] = []
        results.reserveCapacity(images.count)
        var start = 0
        var input = [Float](repeating: 0, count: per * min(maxBatch, images.count))
        while start < images.count {
            let n = min(maxBatch, images.count - start)
            try input.withUnsafeMutableBufferPointer { buffer in
                for i in 0..<n {
                    try preprocessor.write(images[start + i], into: buffer.baseAddress! + i * per, threads: threads)
                }
            }
            results += input.withUnsafeBufferPointer { forward($0.baseAddress!, count: n, logits: logits, threads: threads) }
            start += n
        }
        return results
    }

    /// The network on `n` preprocessed HWC images. The pointwise layers split their rows among
    /// `rowThreads` threads; the depthwise ones among as many, or as many as OpenBLAS is set to use.
    private func forward(_ input: UnsafePointer<Float>, count n: Int, logits wantLogits: Bool, threads rowThreads: Int = 1) -> [Output] {
        let side = preprocessor.cropSize
        let featureCount = Self.featureDimension
        var pooled = [Float](repeating: 0, count: n * featureCount)
        let threads = max(rowThreads, Int(openblas_get_num_threads()))
        scratch.with(capacity: activationElements * n) { buffers in
            var x = buffers.pointers[0]
            var t1 = buffers.pointers[1]
            let t2 = buffers.pointers[2]
            // Stem: im2col (into t2) and a matrix product.
            let (h0, _) = ConvolutionKernels.samePadding(size: side, kernel: 3, stride: 2)
            var h = h0
            var w = h0
            for i in 0..<n {
                ConvolutionKernels.im2col3x3s2(
                    input + i * side * side * 3, height: side, width: side,
                    output: t2 + i * h * w * 27)
            }
            stemWeight.withUnsafeBufferPointer { wt in
                ConvolutionKernels.matmulTransposedB(
                    t2, rows: n * h * w, inner: 27, weight: wt.baseAddress!,
                    columns: Self.stemChannels, output: x)
            }
            stemBias.withUnsafeBufferPointer { b in
                ConvolutionKernels.epilogue(
                    x, rows: n * h * w, channels: Self.stemChannels, bias: b.baseAddress!,
                    relu6: true, residual: nil)
            }
            // Inverted residual blocks: x → (expand) t1 → depthwise t2 → project t1 (+ x); swap.
            for block in blocks {
                var source = UnsafePointer(x)
                if let e = block.expand {
                    pointwise(e, input: x, rows: n * h * w, output: t1, relu6: true, residual: nil, threads: rowThreads)
                    source = UnsafePointer(t1)
                }
                let d = block.depthwise
                let (oh, _) = ConvolutionKernels.samePadding(size: h, kernel: d.kernel, stride: d.stride)
                let (ow, _) = ConvolutionKernels.samePadding(size: w, kernel: d.kernel, stride: d.stride)
                d.weight.withUnsafeBufferPointer { wt in
                    d.bias.withUnsafeBufferPointer { b in
                        ConvolutionKernels.depthwise(
                            source, count: n, height: h, width: w, channels: d.channels,
                            weight: wt.baseAddress!, bias: b.baseAddress!, kernel: d.kernel,
                            stride: d.stride, output: t2, threads: threads)
                    }
                }
                h = oh
                w = ow
                pointwise(
                    block.project, input: t2, rows: n * h * w, output: t1, relu6: false,
                    residual: block.residual ? UnsafePointer(x) : nil, threads: rowThreads)
                swap(&x, &t1)
            }
            // Head and global average pooling.
            pointwise(head, input: x, rows: n * h * w, output: t1, relu6: true, residual: nil, threads: rowThreads)
            pooled.withUnsafeMutableBufferPointer { out in
                for i in 0..<n {
                    ConvolutionKernels.averageRows(
                        t1 + i * h * w * featureCount, rows: h * w, channels: featureCount,
                        output: out.baseAddress! + i * featureCount)
                }
            }
        }
        var logits = [Float]()
        if wantLogits {
            let classes = Self.classCount
            logits = [Float](repeating: 0, count: n * classes)
            pooled.withUnsafeBufferPointer { p in
                classifierWeight.withUnsafeBufferPointer { wt in
                    logits.withUnsafeMutableBufferPointer { out in
                        ConvolutionKernels.matmulTransposedB(
                            p.baseAddress!, rows: n, inner: featureCount, weight: wt.baseAddress!,
                            columns: classes, output: out.baseAddress!)
                        for i in 0..<n {
                            for j in 0..<classes { out[i * classes + j] += classifierBias[j] }
                        }
                    }
                }
            }
        }
        return (0..<n).map { i in
            let features = Array(pooled[i * featureCount..<(i + 1) * featureCount])
            return Output(
                pooled: features, embedding: Self.normalized(features),
                logits: wantLogits ? Array(logits[i * Self.classCount..<(i + 1) * Self.classCount]) : [])
        }
    }

    private func pointwise(
        _ layer: Pointwise, input: UnsafeMutablePointer<Float>, rows: Int,
        output: UnsafeMutablePointer<Float>, relu6: Bool, residual: UnsafePointer<Float>?, threads: Int
    ) {
        layer.weight.withUnsafeBufferPointer { wt in
            layer.bias.withUnsafeBufferPointer { b in
                ConvolutionKernels.pointwise(
                    input, rows: rows, inner: layer.inputChannels, weight: wt.baseAddress!,
                    columns: layer.outputChannels, bias: b.baseAddress!, relu6: relu6,
                    residual: residual, output: output, threads: threads)
            }
        }
    }

    static func normalized(_ v: [Float]) -> [Float] {
        var sum: Double = 0
        for x in v { sum += Double(x) * Double(x) }
        let norm = sum.squareRoot()
        guard norm > 0 else { return v }
        let inverse = Float(1 / norm)
        return v.map { $0 * inverse }
    }

    // MARK: - Loading

    /// BatchNorm as a per-channel affine map: scale = γ / √(var + ε), shift = β − mean · scale.
    static func batchNorm(_ st: SafeTensors, _ prefix: String, channels: Int) throws -> ([Float], [Float]) {
        let gamma = try st.floats(prefix + ".weight", expectedShape: [channels])
        let beta = try st.floats(prefix + ".bias", expectedShape: [channels])
        let mean = try st.floats(prefix + ".running_mean", expectedShape: [channels])
        let variance = try st.floats(prefix + ".running_var", expectedShape: [channels])
        var scale = [Float](repeating: 0, count: channels)
        var shift = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let s = Double(gamma[c]) / (Double(variance[c]) + batchNormEpsilon).squareRoot()
            scale[c] = Float(s)
            shift[c] = Float(Double(beta[c]) - Double(mean[c]) * s)
        }
        return (scale, shift)
    }

    static func pointwise(_ st: SafeTensors, _ name: String, bn: String, input: Int, output: Int) throws -> Pointwise {
        var w = try st.floats(name, expectedShape: [output, input, 1, 1])
        let (scale, shift) = try batchNorm(st, bn, channels: output)
        for o in 0..<output {
            for i in 0..<input { w[o * input + i] *= scale[o] }
        }
        return Pointwise(inputChannels: input, outputChannels: output, weight: w, bias: shift)
    }

    static func depthwise(
        _ st: SafeTensors, _ name: String, bn: String, channels: Int, kernel: Int,
        stride: Int
    ) throws -> Depthwise {
        let w = try st.floats(name, expectedShape: [channels, 1, kernel, kernel])
        let (scale, shift) = try batchNorm(st, bn, channels: channels)
        var t = [Float](repeating: 0, count: channels * kernel * kernel)
        for c in 0..<channels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    t[(ky * kernel + kx) * channels + c] = w[(c * kernel + ky) * kernel + kx] * scale[c]
                }
            }
        }
        return Depthwise(channels: channels, kernel: kernel, stride: stride, weight: t, bias: shift)
    }

    /// Largest per-image activation (floats) for a square input of `side` pixels.
    static func largestActivation(side: Int, blocks: [Block]) -> Int {
        var h = ConvolutionKernels.samePadding(size: side, kernel: 3, stride: 2).output
        var largest = max(h * h * 27, h * h * stemChannels)
        for b in blocks {
            let hidden = b.depthwise.channels
            largest = max(largest, h * h * hidden)
            h = ConvolutionKernels.samePadding(size: h, kernel: b.depthwise.kernel, stride: b.depthwise.stride).output
            largest = max(largest, h * h * max(hidden, b.project.outputChannels))
        }
        return max(largest, h * h * featureDimension)
    }
}
