/// A passage ready to be stored: its content and the vector of its `indexedText`.
/// Reads the content's fields directly (`newPassage.text`).
@dynamicMemberLookup
public struct NewPassage: Sendable {
    /// What the passage says and where it comes from.
    public var content: TextDocument.Passage
    public var vector: [Float]
    /// The id the passage must get (its vector's FAISS id); nil lets the store pick the next one.
    /// Cluster mode gives every node the ids PostgreSQL assigned, so they agree.
    public var id: Int64?

    public init(_ content: TextDocument.Passage, vector: [Float], id: Int64? = nil) {
        self.content = content
        self.vector = vector
        self.id = id
    }

    public subscript<Value>(dynamicMember field: KeyPath<TextDocument.Passage, Value>) -> Value {
        content[keyPath: field]
    }
}
