import Foundation

/// Every model Quarry can load, text and image, by registry name:
/// `e5-small`, `minilm-l6`, `efficientnet-lite0`.
public enum ModelRegistry {
    /// What a model embeds.
    public enum Kind: String, Sendable, Hashable, Codable {
        case text
        case image
    }

    /// Static facts about a model.
    public struct Entry: Sendable, Hashable {
        public let name: String
        public let kind: Kind
        /// Length of its embeddings.
        public let dimension: Int
        /// Prefix rules per role (text models; `.none` for images).
        public let prefixes: TextPrefixes
        /// Where the setup script puts it, relative to the models folder.
        public let relativePath: String
        public let summary: String
    }

    /// EfficientNet-Lite0 (ImageNet), 1280-d pooled features.
    public static let efficientNetLite0 = Entry(
        name: "efficientnet-lite0", kind: .image, dimension: EfficientNetLite0.featureDimension, prefixes: .none,
        relativePath: "efficientnet-lite0/efficientnet-lite0.safetensors",
        summary: "EfficientNet-Lite0 (ImageNet), 1280-d L2-normalised pooled features"
    )

    /// Every known model.
    public static let entries: [Entry] =
        TextModelRegistry.entries.map {
            Entry(name: $0.name, kind: .text, dimension: $0.dimension, prefixes: $0.prefixes, relativePath: $0.relativePath, summary: $0.summary)
        } + [efficientNetLite0]

    /// The entry for `name`.
    /// - Throws: ``EmbeddingError/unknownModel(name:known:)``.
    public static func entry(named name: String) throws -> Entry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw EmbeddingError.unknownModel(name: name, known: entries.map(\.name))
        }
        return entry
    }

    /// Loads text model `name` from `modelsDirectory`.
    public static func textEncoder(_ name: String, modelsDirectory: URL) throws -> any TextEncoder {
        try TextModelRegistry.load(name, modelsDirectory: modelsDirectory)
    }

    /// Loads image model `name` from `modelsDirectory`.
    public static func imageEncoder(_ name: String, modelsDirectory: URL) throws -> any ImageEncoder {
        let entry = try entry(named: name)
        guard entry.kind == .image else {
            throw EmbeddingError.unknownModel(name: name, known: entries.filter { $0.kind == .image }.map(\.name))
        }
        return try EfficientNetLite0(contentsOf: modelsDirectory.appendingPathComponent(entry.relativePath))
    }
}
