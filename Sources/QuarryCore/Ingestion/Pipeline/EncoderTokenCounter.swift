import Embeddings

/// Counts tokens as a text encoder feeds them for passages (prefix and special tokens included),
/// so the chunker sizes passages in the model's own tokens.
public struct EncoderTokenCounter: TokenCounter {
    public let encoder: any TextEncoder

    public init(encoder: any TextEncoder) {
        self.encoder = encoder
    }

    public func tokenCount(_ text: String) -> Int {
        encoder.tokenCount(text, role: .passage)
    }
}
