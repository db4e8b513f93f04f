import CBLAS
import CQuantKernels

/// A fully connected layer `y = x Wᵀ + b` with `W` given `[outputs][inputs]`, stored as
/// * fp32 repacked in 32-row panels for the fp32 SIMD kernel of `CQuantKernels` (outputs a
///   multiple of 32; faster than OpenBLAS `sgemm` here at every batch size — about 55 vs 48
///   GMAC/s per core on Zen 4 — and free of BLAS thread-pool hand-offs for single queries),
/// * fp32 row-major, multiplied with OpenBLAS `sgemm` (other shapes), or
/// * bf16 repacked in 32-row panels (``MatrixPrecision/bfloat16``; activations are rounded
///   to bf16 on the fly), or
/// * 4-bit Q4_0 blocks repacked for the int8 × int4 kernels (activations are quantised to
///   int8 per block of 32 on the fly).
final class LinearLayer: @unchecked Sendable {
    enum Weights {
        case panels(AlignedBuffer<Float>)
        case bf16Panels(AlignedBuffer<UInt16>)
        case dense(AlignedBuffer<Float>)
        case q4(packed: AlignedBuffer<UInt8>, scales: AlignedBuffer<Float>)
    }

    let inputs: Int
    let outputs: Int
    let weights: Weights
    let bias: AlignedBuffer<Float>

    /// A dense layer from row-major `[outputs][inputs]` floats.
    init(dense: [Float], bias: [Float], outputs: Int, inputs: Int, precision: MatrixPrecision = .float32) {
        precondition(dense.count == outputs * inputs && bias.count == outputs)
        self.inputs = inputs
        self.outputs = outputs
        if precision.resolved == .bfloat16, outputs % 32 == 0, inputs % 2 == 0 {
            let panels = AlignedBuffer<UInt16>(count: outputs * inputs)
            dense.withUnsafeBufferPointer { qk_bf16_pack($0.baseAddress!, Int32(outputs), Int32(inputs), panels.pointer) }
            self.weights = .bf16Panels(panels)
        } else if outputs % 32 == 0 {
            let panels = AlignedBuffer<Float>(count: outputs * inputs)
            dense.withUnsafeBufferPointer { qk_f32_pack($0.baseAddress!, Int32(outputs), Int32(inputs), panels.pointer) }
            self.weights = .panels(panels)
        } else {
            self.weights = .dense(AlignedBuffer(dense))
        }
        self.bias = AlignedBuffer(bias)
    }

    /// A 4-bit layer from row-major Q4_0 blocks (`outputs` rows of `inputs / 32` blocks).
    /// `outputs` must be a multiple of 16 and `inputs` of 128.
    init(q4Blocks: UnsafeRawBufferPointer, bias: [Float], outputs: Int, inputs: Int) {
        precondition(outputs % Int(QK_ROW_GROUP) == 0 && inputs % 32 == 0)
        precondition(q4Blocks.count == outputs * inputs / 32 * Int(QK_Q4_BLOCK_BYTES) && bias.count == outputs)
        self.inputs = inputs
        self.outputs = outputs
        let packed = AlignedBuffer<UInt8>(count: outputs * inputs / 2)
        let scales = AlignedBuffer<Float>(count: outputs * inputs / 32)
        qk_q4_repack(
            q4Blocks.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(outputs), Int32(inputs),
            packed.pointer, scales.pointer)
        self.weights = .q4(packed: packed, scales: scales)
        self.bias = AlignedBuffer(bias)
    }

    var isQuantized: Bool {
        if case .q4 = weights { return true }
        return false
    }

    var isBF16: Bool {
        if case .bf16Panels = weights { return true }
        return false
    }

    /// y[r, :] = x[r, :] Wᵀ + b for `rows` rows. `x` has stride `inputs`, `y` stride `outputs`.
    /// `scratch` must be sized for at least `rows` × `inputs` (see ``QuantScratch``).
    func apply(
        _ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>,
        scratch: QuantScratch, threads: Int
    ) {
        guard rows > 0 else { return }
        switch weights {
        case .panels(let w):
            let args = UncheckedSendable((x, y, w.pointer, bias.pointer))
            let n = inputs
            let m = outputs
            parallelRanges(m / 32, threads: threads) { g in
                let (x, y, w, bias) = args.value
                qk_gemm_f32p(Int32(rows), Int32(n), x, Int32(n), w, Int32(g.lowerBound), Int32(g.upperBound), bias, y, Int32(m))
            }
        case .bf16Panels(let w):
            let args = UncheckedSendable((x, y, w.pointer, bias.pointer, scratch))
            let n = inputs
            let m = outputs
            // Split on whole 8-token tiles (the converted layout is tiled).
            let tiles = (rows + Int(QK_TILE) - 1) / Int(QK_TILE)
            parallelRanges(tiles, threads: threads >= 2 && rows >= 256 ? threads : 1) { t in
                let (x, _, _, _, s) = args.value
                let r0 = t.lowerBound * Int(QK_TILE)
                let r1 = min(rows, t.upperBound * Int(QK_TILE))
                qk_bf16_convert(x + r0 * n, Int32(r1 - r0), Int32(n), Int32(n), s.bf16.pointer + r0 * n)
            }
            parallelRanges(m / 32, threads: threads) { g in
                let (_, y, w, bias, s) = args.value
                qk_gemm_bf16(Int32(rows), Int32(n), s.bf16.pointer, w, Int32(g.lowerBound), Int32(g.upperBound), bias, y, Int32(m))
            }
        case .dense(let w):
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs),
                1, x, Int32(inputs), w.pointer, Int32(inputs), 0, y, Int32(outputs))
            let b = UncheckedSendable((y, bias.pointer, outputs))
            parallelRanges(rows, threads: threads >= 2 && rows >= 256 ? threads : 1) { r in
                qk_add_bias(b.value.0 + r.lowerBound * b.value.2, Int32(r.count), Int32(b.value.2), Int32(b.value.2), b.value.1)
            }
        case .q4(let packed, let scales):
            let blocks = inputs / 32
            let args = UncheckedSendable((x, y, scratch, packed.pointer, scales.pointer, bias.pointer))
            let n = inputs
            let m = outputs
            // Quantise the activations (rows split across threads), then the product
            // (output row groups split across threads).
            // Split on whole 8-token tiles (the quantised layout is tiled).
            let tiles = (rows + Int(QK_TILE) - 1) / Int(QK_TILE)
            parallelRanges(tiles, threads: threads >= 2 && rows >= 128 ? threads : 1) { t in
                let (x, _, s, _, _, _) = args.value
                let r0 = t.lowerBound * Int(QK_TILE)
                let r1 = min(rows, t.upperBound * Int(QK_TILE))
                qk_quantize_q8(
                    x + r0 * n, Int32(r1 - r0), Int32(n), Int32(n),
                    s.q.pointer + r0 * n, s.d.pointer + r0 * blocks, s.s.pointer + r0 * blocks)
            }
            let groups = m / Int(QK_ROW_GROUP)
            parallelRanges(groups, threads: threads) { g in
                let (_, y, s, packed, scales, bias) = args.value
                qk_gemm_q4q8(
                    Int32(rows), Int32(n), s.q.pointer, s.d.pointer, s.s.pointer, packed, scales,
                    Int32(g.lowerBound), Int32(g.upperBound), bias, y, Int32(m))
            }
        }
    }
}

/// Per-call buffers for activations converted for the matrix kernels: int8 blocks for
/// 4-bit layers, bf16 for bf16 layers.
final class QuantScratch: @unchecked Sendable {
    let q: AlignedBuffer<Int8>
    let d: AlignedBuffer<Float>
    let s: AlignedBuffer<Int32>
    let bf16: AlignedBuffer<UInt16>

    /// Buffers for up to `rows` tokens of up to `maxInputs` values, rounded up to whole 8-token
    /// tiles (the layout `qk_quantize_q8` and `qk_bf16_convert` write): int8 ones if `int8`,
    /// bf16 ones if `bf16`.
    init(rows: Int, maxInputs: Int, int8: Bool = true, bf16: Bool = false) {
        let padded = rows > 0 ? Int(qk_q8_padded_rows(Int32(rows))) : 0
        let q8Rows = int8 ? padded : 0
        q = AlignedBuffer(count: q8Rows * maxInputs)
        d = AlignedBuffer(count: q8Rows * maxInputs / 32 + 1)
        s = AlignedBuffer(count: q8Rows * maxInputs / 32 + 1)
        self.bf16 = AlignedBuffer(count: bf16 ? padded * maxInputs : 0)
    }
}
