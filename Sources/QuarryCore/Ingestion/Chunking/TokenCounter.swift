/// Counts how many model tokens a text occupies, so that passages can be sized for a model.
///
/// Conform a model's tokenizer to this protocol to size passages exactly; the count should leave
/// out special tokens (`[CLS]`, `[SEP]`, prefixes such as `passage: `), which the encoder adds on
/// its own. The ``Chunker`` only relies on longer texts not counting (much) fewer tokens than
/// their parts.
public protocol TokenCounter: Sendable {
    /// The number of tokens `text` encodes to.
    func tokenCount(_ text: String) -> Int
}
