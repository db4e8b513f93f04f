/// A tokenizer-free estimate of model tokens, for tests and for sizing without a model:
/// every CJK character (and CJK punctuation mark) counts 1; every other word (a run of letters or
/// digits) counts 1.3, plus 1 for every 6 characters beyond the first 6; every other symbol or
/// punctuation mark counts 1; white space counts 0. The total is rounded up.
///
/// Multilingual subword tokenizers (SentencePiece, WordPiece) land near these numbers on Chinese
/// and English prose.
public struct ApproximateTokenCounter: TokenCounter {
    /// Creates a counter.
    public init() {}

    public func tokenCount(_ text: String) -> Int {
        var tenths = 0
        var wordLength = 0
        func endWord() {
            if wordLength > 0 {
                tenths += 13 + max(0, wordLength - 1) / 6 * 10
                wordLength = 0
            }
        }
        for scalar in text.unicodeScalars {
            if CharacterClass.isCJK(scalar) {
                endWord()
                tenths += 10
            } else if CharacterClass.isWordCharacter(scalar) {
                wordLength += 1
            } else {
                endWord()
                if !scalar.properties.isWhitespace, !CharacterClass.continuesCluster(scalar) {
                    tenths += 10
                }
            }
        }
        endWord()
        return (tenths + 9) / 10
    }
}
