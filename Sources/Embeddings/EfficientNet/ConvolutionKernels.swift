import CBLAS
import CImageCodecs

/// The numeric kernels of the image network, on NHWC float tensors (row, column, channel;
/// channels contiguous). Pointwise and standard convolutions are matrix products through
/// OpenBLAS; depthwise convolutions use a C kernel with run-time CPU dispatch; the epilogues
/// (bias, ReLU6, residual) are loops over 8-wide SIMD vectors. Every channel count of
/// EfficientNet-Lite0 is a multiple of 8.
enum ConvolutionKernels {
    typealias Vector = SIMD8<Float>
    static let lanes = 8

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// Clamps `count` contiguous values to [0, 6] (a plain loop: the compiler vectorises it,
    /// whereas the generic `pointwiseMin`/`pointwiseMax` are not inlined).
    @inline(__always)
    static func relu6(_ p: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = p[i]
            p[i] = v < 0 ? 0 : (v > 6 ? 6 : v)
        }
    }

    /// `output[m, n] = Σ_k input[m, k] · weight[n, k]` for an `m × k` input and an `n × k`
    /// weight (PyTorch's [out, in] layout), through `cblas_sgemm`; output rows are
    /// `outputStride` values apart (`n` unless the output is a column block of a wider matrix).
    static func matmulTransposedB(
        _ input: UnsafePointer<Float>, rows m: Int, inner k: Int,
        weight: UnsafePointer<Float>, columns n: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int? = nil
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, blasint(m), blasint(n), blasint(k),
            1, input, blasint(k), weight, blasint(k), 0, output, blasint(outputStride ?? n))
    }

    /// A pointwise (1×1) convolution with its epilogue: a matrix product, then
    /// ``epilogue(_:rows:channels:stride:bias:relu6:residual:)``. With `threads > 1` the work is
    /// split into that many parts computed concurrently, each with its own single-threaded
    /// matrix product (OpenBLAS's own thread count is process-wide and left alone): by rows
    /// when there are enough of them, otherwise by output channels.
    static func pointwise(
        _ input: UnsafePointer<Float>, rows: Int, inner k: Int, weight: UnsafePointer<Float>,
        columns n: Int, bias: UnsafePointer<Float>, relu6: Bool, residual: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let job = PointwiseJob(
            input: input, inner: k, weight: weight, columns: n, bias: bias, relu6: relu6,
            residual: residual, output: output)
        let parts = max(threads, 1)
        if parts == 1 {
            job.run(rows: 0..<rows, columns: 0..<n)
        } else if rows >= parts * minimumRowsPerPart {
            ForkJoinPool.shared.run(parts: parts) { part in
                job.run(rows: part * rows / parts..<(part + 1) * rows / parts, columns: 0..<n)
            }
        } else {
            // Column blocks stay whole SIMD vectors for the epilogue.
            let vectors = n / lanes
            ForkJoinPool.shared.run(parts: parts) { part in
                job.run(rows: 0..<rows, columns: part * vectors / parts * lanes..<(part + 1) * vectors / parts * lanes)
            }
        }
    }

    /// Fewest rows worth a part of their own; with fewer, the output channels are split instead.
    static let minimumRowsPerPart = 64

    /// One pointwise layer; `run` computes a block of the output. The pointers are only read or
    /// written in disjoint blocks, so parts may run on different threads.
    struct PointwiseJob: @unchecked Sendable {
        let input: UnsafePointer<Float>
        let inner: Int
        let weight: UnsafePointer<Float>
        let columns: Int
        let bias: UnsafePointer<Float>
        let relu6: Bool
        let residual: UnsafePointer<Float>?
        let output: UnsafeMutablePointer<Float>

        func run(rows: Range<Int>, columns block: Range<Int>) {
            guard !rows.isEmpty, !block.isEmpty else { return }
            let offset = rows.lowerBound * columns + block.lowerBound
            matmulTransposedB(
                input + rows.lowerBound * inner, rows: rows.count, inner: inner,
                weight: weight + block.lowerBound * inner, columns: block.count,
                output: output + offset, outputStride: columns)
            epilogue(
                output + offset, rows: rows.count, channels: block.count, stride: columns,
                bias: bias + block.lowerBound, relu6: relu6, residual: residual.map { $0 + offset })
        }
    }

    /// Adds `bias` to each of `rows` rows of `channels` values (rows `stride` values apart,
    /// `channels` by default), then optionally clamps to [0, 6] or adds `residual` (same layout).
    static func epilogue(
        _ data: UnsafeMutablePointer<Float>, rows: Int, channels: Int, stride: Int? = nil,
        bias: UnsafePointer<Float>, relu6 applyRelu6: Bool,
        residual: UnsafePointer<Float>?
    ) {
        precondition(channels % lanes == 0)
        let stride = stride ?? channels
        for r in 0..<rows {
            let row = data + r * stride
            var c = 0
            if let residual {
                let res = residual + r * stride
                while c < channels {
                    store(load(row + c) + load(bias + c) + load(res + c), row + c)
                    c += lanes
                }
            } else if applyRelu6 {
                while c < channels {
                    store(load(row + c) + load(bias + c), row + c)
                    c += lanes
                }
                relu6(row, count: channels)
            } else {
                while c < channels {
                    store(load(row + c) + load(bias + c), row + c)
                    c += lanes
                }
            }
        }
    }

    /// TensorFlow "SAME" padding along one axis: output `ceil(size / stride)`, total padding
    /// `max((out − 1)·stride + kernel − size, 0)`, the smaller half before (top/left).
    static func samePadding(size: Int, kernel: Int, stride: Int) -> (output: Int, before: Int) {
        let out = (size + stride - 1) / stride
        let total = max((out - 1) * stride + kernel - size, 0)
        return (out, total / 2)
    }

    /// Depthwise k×k convolution with "SAME" padding, folded bias and ReLU6 on `count`
    /// consecutive images, through the vectorised C kernel of CImageCodecs (AVX-512 / AVX2 /
    /// portable, chosen at run time). Each image of `input` is `height × width × channels`;
    /// `weight` is `k × k × channels`; each output image is
    /// `ceil(height / s) × ceil(width / s) × channels`. With `threads > 1` the output rows of
    /// all images are split into that many parts, computed concurrently.
    static func depthwise(
        _ input: UnsafePointer<Float>, count: Int, height: Int, width: Int, channels: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, kernel k: Int, stride s: Int,
        output: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let (outH, padTop) = samePadding(size: height, kernel: k, stride: s)
        let (outW, padLeft) = samePadding(size: width, kernel: k, stride: s)
        let job = DepthwiseJob(
            input: input, height: height, width: width, channels: channels, weight: weight, bias: bias,
            kernel: k, stride: s, padTop: padTop, padLeft: padLeft, output: output,
            outHeight: outH, outWidth: outW)
        let total = count * outH
        let parts = min(max(threads, 1), total)
        if parts == 1 {
            job.run(rows: 0, total)
        } else {
            ForkJoinPool.shared.run(parts: parts) { part in
                job.run(rows: part * total / parts, (part + 1) * total / parts)
            }
        }
    }

    /// One depthwise layer over a batch; `run` computes a range of the output rows of the
    /// images laid end to end. The pointers are only read (input, weights) or written in
    /// disjoint rows (output), so parts may run on different threads.
    struct DepthwiseJob: @unchecked Sendable {
        let input: UnsafePointer<Float>
        let height, width, channels: Int
        let weight, bias: UnsafePointer<Float>
        let kernel, stride, padTop, padLeft: Int
        let output: UnsafeMutablePointer<Float>
        let outHeight, outWidth: Int

        func run(rows first: Int, _ last: Int) {
            let inStride = height * width * channels
            let outStride = outHeight * outWidth * channels
            var row = first
            while row < last {
                let image = row / outHeight
                let begin = row % outHeight
                let end = min(outHeight, begin + (last - row))
                cic_depthwise_conv_nhwc(
                    input + image * inStride, Int32(height), Int32(width), Int32(channels), weight,
                    bias, Int32(kernel), Int32(stride), Int32(padTop), Int32(padLeft),
                    output + image * outStride, Int32(outHeight), Int32(outWidth), 1,
                    Int32(begin), Int32(end))
                row += end - begin
            }
        }
    }

    /// Gathers the 3×3 stride-2 "SAME" patches of an `height × width × 3` image into rows of
    /// 27 values ordered (ky, kx, channel); out-of-image taps are zero.
    static func im2col3x3s2(
        _ input: UnsafePointer<Float>, height: Int, width: Int,
        output: UnsafeMutablePointer<Float>
    ) {
        let (outH, padTop) = samePadding(size: height, kernel: 3, stride: 2)
        let (outW, padLeft) = samePadding(size: width, kernel: 3, stride: 2)
        for oy in 0..<outH {
            for ox in 0..<outW {
                let row = output + (oy * outW + ox) * 27
                for ky in 0..<3 {
                    let iy = oy * 2 + ky - padTop
                    for kx in 0..<3 {
                        let ix = ox * 2 + kx - padLeft
                        let dst = row + (ky * 3 + kx) * 3
                        if iy >= 0 && iy < height && ix >= 0 && ix < width {
                            let src = input + (iy * width + ix) * 3
                            dst[0] = src[0]
                            dst[1] = src[1]
                            dst[2] = src[2]
                        } else {
                            dst[0] = 0
                            dst[1] = 0
                            dst[2] = 0
                        }
                    }
                }
            }
        }
    }

    /// Mean over `rows` rows of `channels` values into `output`.
    static func averageRows(_ input: UnsafePointer<Float>, rows: Int, channels: Int, output: UnsafeMutablePointer<Float>) {
        var c = 0
        let inverse = 1 / Float(rows)
        while c < channels {
            var acc = Vector(repeating: 0)
            for r in 0..<rows { acc += load(input + r * channels + c) }
            store(acc * inverse, output + c)
            c += lanes
        }
    }
}
