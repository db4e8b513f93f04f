import CQuantKernels

/// The token embedding table: fp32 rows, or Q4_0 rows read straight from a mapped model
/// file and dequantised one looked-up row at a time.
enum TokenEmbeddingTable: @unchecked Sendable {
    case dense(AlignedBuffer<Float>)
    /// Row-major Q4_0 blocks; `owner` keeps the mapping alive.
    case q4(blocks: UnsafeRawPointer, owner: AnyObject)

    /// Writes row `id` (`width` floats) to `out`.
    @inline(__always)
    func row(_ id: Int, width: Int, into out: UnsafeMutablePointer<Float>) {
        switch self {
        case .dense(let table):
            out.update(from: table.pointer + id * width, count: width)
        case .q4(let blocks, _):
            let blocksPerRow = width / 32
            qk_q4_dequantize(
                blocks.assumingMemoryBound(to: UInt8.self) + id * blocksPerRow * Int(QK_Q4_BLOCK_BYTES),
                blocksPerRow, out)
        }
    }
}

/// LayerNorm parameters.
struct LayerNormWeights: @unchecked Sendable {
    let gamma: AlignedBuffer<Float>
    let beta: AlignedBuffer<Float>

    init(gamma: [Float], beta: [Float]) {
        precondition(gamma.count == beta.count)
        self.gamma = AlignedBuffer(gamma)
        self.beta = AlignedBuffer(beta)
    }
}

/// One transformer layer: fused query/key/value projection, attention output projection,
/// feed-forward pair, and the two post-LayerNorms.
struct BertLayerWeights: Sendable {
    /// `[3·hidden][hidden]`: rows 0..<h query, h..<2h key, 2h..<3h value.
    let qkv: LinearLayer
    let attentionOutput: LinearLayer
    let attentionNorm: LayerNormWeights
    let intermediate: LinearLayer
    let output: LinearLayer
    let outputNorm: LayerNormWeights
}

/// All weights of a BERT encoder (read-only after loading).
struct BertWeights: Sendable {
    let tokenEmbeddings: TokenEmbeddingTable
    /// `[maxPositions][hidden]`.
    let positionEmbeddings: AlignedBuffer<Float>
    /// `[tokenTypes][hidden]`.
    let tokenTypeEmbeddings: AlignedBuffer<Float>
    let embeddingNorm: LayerNormWeights
    let layers: [BertLayerWeights]
}
