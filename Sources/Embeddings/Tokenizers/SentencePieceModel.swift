/// The data of a SentencePiece-unigram tokenizer: pieces with log-probability scores, the
/// ids of the special tokens, and a per-character normalisation map.
///
/// Ids follow the model's own numbering (for XLM-RoBERTa-derived models such as
/// multilingual-e5: `<s>` 0, `<pad>` 1, `</s>` 2, `<unk>` 3, then the pieces, `<mask>` last).
public struct SentencePieceModel: Sendable {
    /// UTF-8 spellings of all pieces, concatenated; piece `i` is
    /// `pieceBytes[pieceStarts[i] ..< pieceStarts[i + 1]]`. `"▁"` (U+2581) marks a word start.
    public let pieceBytes: [UInt8]
    /// `pieceCount + 1` offsets into ``pieceBytes``.
    public let pieceStarts: [Int32]
    /// Score (log probability) of each piece; higher is more likely.
    public let scores: [Float]
    /// Begin-of-sequence id (`<s>`).
    public let bosID: Int32
    /// End-of-sequence id (`</s>`).
    public let eosID: Int32
    /// Padding id (`<pad>`).
    public let padID: Int32
    /// Unknown-piece id (`<unk>`).
    public let unkID: Int32
    /// Character normalisation: a scalar listed here is replaced by its (possibly empty)
    /// sequence of scalars before segmentation. Scalars not listed are kept.
    public let normalization: [UInt32: [Unicode.Scalar]]

    /// Creates a model description; see the properties for the meaning of each part.
    public init(
        pieceBytes: [UInt8], pieceStarts: [Int32], scores: [Float], bosID: Int32, eosID: Int32,
        padID: Int32, unkID: Int32, normalization: [UInt32: [Unicode.Scalar]]
    ) {
        precondition(pieceStarts.count == scores.count + 1, "SentencePieceModel: offsets and scores disagree")
        self.pieceBytes = pieceBytes
        self.pieceStarts = pieceStarts
        self.scores = scores
        self.bosID = bosID
        self.eosID = eosID
        self.padID = padID
        self.unkID = unkID
        self.normalization = normalization
    }

    /// Number of pieces (the tokenizer's vocabulary size).
    public var pieceCount: Int { scores.count }

    /// The spelling of piece `id`.
    public func piece(_ id: Int) -> String {
        String(decoding: pieceBytes[Int(pieceStarts[id])..<Int(pieceStarts[id + 1])], as: UTF8.self)
    }
}
