/// Hyper-parameters of a BERT-family encoder.
public struct BertConfiguration: Sendable, Hashable {
    /// Width of the hidden states (the embedding dimension).
    public var hiddenSize: Int
    /// Number of transformer layers.
    public var layerCount: Int
    /// Attention heads per layer.
    public var headCount: Int
    /// Width of the feed-forward layer.
    public var intermediateSize: Int
    /// Rows of the token embedding table.
    public var vocabularySize: Int
    /// Rows of the position embedding table (the longest sequence, special tokens included).
    public var maxPositions: Int
    /// Rows of the token-type table.
    public var tokenTypeCount: Int
    /// LayerNorm epsilon.
    public var layerNormEpsilon: Float

    /// Creates a configuration; see the properties for the meaning of each value.
    public init(
        hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int, vocabularySize: Int,
        maxPositions: Int, tokenTypeCount: Int, layerNormEpsilon: Float
    ) {
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.intermediateSize = intermediateSize
        self.vocabularySize = vocabularySize
        self.maxPositions = maxPositions
        self.tokenTypeCount = tokenTypeCount
        self.layerNormEpsilon = layerNormEpsilon
    }

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / headCount }

    /// Checks the constraints of this implementation (sizes that the SIMD kernels need).
    func validate() throws {
        func fail(_ s: String) -> EmbeddingError { .unsupportedConfiguration(s) }
        guard hiddenSize > 0, layerCount > 0, headCount > 0, intermediateSize > 0, vocabularySize > 0,
            maxPositions > 2, tokenTypeCount > 0
        else { throw fail("all sizes must be positive (\(self))") }
        guard hiddenSize % headCount == 0 else { throw fail("hidden size \(hiddenSize) is not a multiple of \(headCount) heads") }
        guard layerNormEpsilon.isFinite, layerNormEpsilon > 0 else { throw fail("LayerNorm epsilon \(layerNormEpsilon)") }
        // The attention kernel works on whole 16-float vectors of a head.
        guard headSize % 16 == 0 else { throw fail("head size \(headSize) is not a multiple of 16") }
    }
}
