/// Splits text into the token ids of a model's vocabulary.
///
/// Tokenizers are immutable values and safe to share between tasks.
public protocol TextTokenizer: Sendable {
    /// Number of ids the tokenizer can produce.
    var vocabularySize: Int { get }
    /// Id placed before every sequence (`<s>` / `[CLS]`).
    var startID: Int32 { get }
    /// Id placed after every sequence (`</s>` / `[SEP]`).
    var endID: Int32 { get }
    /// Id of the unknown token.
    var unknownID: Int32 { get }

    /// The token ids of `text`, without start/end tokens and without any length limit.
    func tokenize(_ text: String) -> [Int32]
}

extension TextTokenizer {
    /// The ids of `text` framed by ``startID`` and ``endID``. With `maxLength`, the content
    /// is cut so the framed sequence has at most `maxLength` ids (`maxLength` ≥ 2).
    public func encode(_ text: String, maxLength: Int? = nil) -> [Int32] {
        var ids = tokenize(text)
        if let maxLength {
            precondition(maxLength >= 2, "encode: maxLength must leave room for the start and end tokens")
            if ids.count > maxLength - 2 { ids.removeSubrange((maxLength - 2)...) }
        }
        return [startID] + ids + [endID]
    }
}
