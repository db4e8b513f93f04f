/// A model that maps texts to fixed-size, L2-normalised embedding vectors.
///
/// Implementations are immutable after loading and may be called from many tasks at once;
/// each call allocates its own scratch memory.
public protocol TextEncoder: Sendable {
    /// The model's registry name, e.g. `"e5-small"`.
    var name: String { get }
    /// Length of every embedding.
    var dimension: Int { get }
    /// Largest number of tokens (including special tokens) one forward pass accepts.
    /// What happens to longer texts is given by ``longInputPolicy``.
    var maxTokens: Int { get }
    /// Prefixes prepended per ``TextRole``.
    var prefixes: TextPrefixes { get }
    /// How texts longer than ``maxTokens`` are handled.
    var longInputPolicy: LongInputPolicy { get }

    /// Embeds a batch of texts; row `i` of the result belongs to `texts[i]`.
    /// Every row has unit L2 norm. An empty input gives an empty matrix.
    func embed(_ texts: [String], role: TextRole) throws -> EmbeddingMatrix

    /// Number of tokens the model feeds for `text` (including the prefix and all special
    /// tokens, summed over windows for long texts).
    func tokenCount(_ text: String, role: TextRole) -> Int
}

extension TextEncoder {
    /// Embeds one text and returns its vector (`dimension` floats, unit norm).
    public func embed(_ text: String, role: TextRole) throws -> [Float] {
        try embed([text], role: role).storage
    }
}
