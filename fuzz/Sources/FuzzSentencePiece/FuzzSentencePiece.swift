import Embeddings
import FuzzSupport

/// multilingual-e5-small's SentencePiece tokenizer, read from the model file
/// `models/e5-small/e5-small-q4.bin` (memory-mapped; the weights are not touched).
private let tokenizer = loadOrExit("the e5-small tokenizer") {
    SentencePieceTokenizer(model: try E5ModelFile(
        contentsOf: modelsDirectory.appendingPathComponent(TextModelRegistry.e5Small.relativePath)).tokenizerModel)
}

/// Tokenizes the input read as UTF-8 (invalid sequences become U+FFFD, as in a request body)
/// and checks the ids and their framing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    checkTokenizer(tokenizer, String(decoding: input.bytes, as: UTF8.self), maxLength: TextModelRegistry.e5Small.maxTokens)
    return 0
}
