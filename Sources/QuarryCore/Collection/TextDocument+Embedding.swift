import Embeddings

extension TextDocument {
    /// The document with every passage's `indexedText` embedded by `encoder`, stored nowhere yet.
    public func embedded(by encoder: any TextEncoder) throws -> EmbeddedDocument {
        let vectors = try encoder.embed(passages.map(\.indexedText), role: .passage)
        let embeddedPassages = passages.enumerated().map { offset, passage in NewPassage(passage, vector: Array(vectors[offset])) }
        return EmbeddedDocument(source: source, contentHash: contentHash, metadata: metadata, passages: embeddedPassages)
    }
}
