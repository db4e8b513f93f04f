import Embeddings
import Foundation

/// One input from libFuzzer, as the bytes of `LLVMFuzzerTestOneInput`.
public struct FuzzInput {
    /// The input's bytes; valid only during the call that received them.
    public let bytes: UnsafeRawBufferPointer

    /// Wraps the arguments of `LLVMFuzzerTestOneInput`.
    public init(_ start: UnsafeRawPointer, _ count: Int) {
        bytes = UnsafeRawBufferPointer(start: start, count: count)
    }

    /// A copy of the whole input.
    public var data: Data { Data(bytes) }

    /// The first byte read as a choice among `count` options (its value modulo `count`), and a
    /// copy of the bytes after it; `nil` for an empty input.
    public func choice(among count: Int) -> (choice: Int, rest: [UInt8])? {
        guard let first = bytes.first else { return nil }
        return (Int(first) % count, Array(bytes.dropFirst()))
    }
}

/// Stops the process, which libFuzzer reports as a crash, when a property the code under test
/// promises does not hold for an input.
public func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz property violated: \(message())") }
}

/// The folder of model files that `scripts/setup.sh` fetches: `$QUARRY_MODELS`, else `models`
/// in the current directory (the repository root, where scripts/fuzz.sh runs the targets).
public let modelsDirectory = URL(
    fileURLWithPath: ProcessInfo.processInfo.environment["QUARRY_MODELS"] ?? "models", isDirectory: true)

/// Runs `load`, stopping the process with a clear message if it fails: a target whose model
/// files are missing cannot fuzz anything.
public func loadOrExit<T>(_ what: String, _ load: () throws -> T) -> T {
    do {
        return try load()
    } catch {
        FileHandle.standardError.write(Data("cannot load \(what) from \(modelsDirectory.path): \(error)\n".utf8))
        exit(2)
    }
}

/// Tokenizes `text` and checks what every tokenizer promises: ids inside the vocabulary, and
/// `encode` framing the same ids with the start and end tokens, cut to `maxLength`.
public func checkTokenizer(_ tokenizer: some TextTokenizer, _ text: String, maxLength: Int) {
    let ids = tokenizer.tokenize(text)
    let vocabulary = 0..<Int32(tokenizer.vocabularySize)
    require(ids.allSatisfy { vocabulary.contains($0) }, "an id outside 0..<\(tokenizer.vocabularySize) in \(ids)")
    for limit in [nil, maxLength] {
        let framed = tokenizer.encode(text, maxLength: limit)
        require(framed.first == tokenizer.startID && framed.last == tokenizer.endID && framed.count >= 2,
                "encode(maxLength: \(String(describing: limit))) is not framed by the start and end ids: \(framed)")
        require(framed.dropFirst().dropLast().elementsEqual(ids.prefix((limit ?? .max) - 2)),
                "encode(maxLength: \(String(describing: limit))) does not hold the tokenize ids")
    }
}
