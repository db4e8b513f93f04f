import Embeddings
import FuzzSupport

/// all-MiniLM-L6-v2's WordPiece tokenizer, from `models/minilm-l6/vocab.txt`, with the default
/// options, which are those of the model's `tokenizer_config.json` (lower-case, strip accents,
/// split CJK).
private let tokenizer = loadOrExit("the MiniLM vocabulary") {
    try WordPieceTokenizer(vocabularyFile: modelsDirectory
        .appendingPathComponent(TextModelRegistry.miniLM.relativePath)
        .appendingPathComponent("vocab.txt"))
}

/// Tokenizes the input read as UTF-8 (invalid sequences become U+FFFD, as in a request body)
/// and checks the ids and their framing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    checkTokenizer(tokenizer, String(decoding: input.bytes, as: UTF8.self), maxLength: TextModelRegistry.miniLM.maxTokens)
    return 0
}
