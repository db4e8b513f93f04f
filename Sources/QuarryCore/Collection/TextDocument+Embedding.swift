import Embeddings

extension TextDocument {
    /// The document with every passage's `indexedText` embedded by `encoder`, stored nowhere yet.
    public func embedded(by encoder: any TextEncoder) throws -> EmbeddedDocument {
        let vectors = try encoder.embed(passages.map(\.indexedText), role: .passage)
        let embeddedPassages = passages.enumerated().map { offset, passage in
            NewPassage(
                text: passage.text, indexedText: passage.indexedText, chapter: passage.chapter, page: passage.page,
                span: passage.span, metadata: passage.metadata, vector: Array(vectors[offset])
            )
        }
        return EmbeddedDocument(source: source, contentHash: contentHash, metadata: metadata, passages: embeddedPassages)
    }
}
