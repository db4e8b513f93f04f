/// A write that cluster mode commits to the shared change log before any node applies it.
public enum ReplicatedWrite: Sendable {
    /// Creates a collection; committing an identical one again changes nothing.
    case createCollection(name: String, specification: CollectionSpecification)
    /// Deletes a collection with every document in it.
    case deleteCollection(name: String)
    /// Stores a document of a text collection with the vectors the receiving node computed,
    /// replacing what its source had; an unchanged one (same content hash) changes nothing.
    case storeDocument(collection: String, document: EmbeddedDocument)
    /// Deletes a document of a text collection.
    case deleteDocument(collection: String, source: String)
    /// Points an alias at a collection, creating it or moving it in one step.
    case setAlias(alias: String, collection: String)
    /// Removes an alias (never its collection).
    case removeAlias(alias: String)
    /// Stores an image of an image collection with the embedding the receiving node computed,
    /// replacing the one at its path; an unchanged one (same content hash) changes nothing.
    case storeImage(collection: String, image: EmbeddedImage)
    /// Deletes one item: a passage of a text collection or an image of an image collection.
    case deleteItem(collection: String, id: Int64)
}

/// What committing a ``ReplicatedWrite`` did.
public struct CommittedWrite: Sendable, Equatable {
    /// The change-log sequence number of the write; nil when it changed nothing (no entry was logged).
    public var sequence: Int64?
    /// Passages stored (a document written) or removed (a document deleted); 0 otherwise.
    public var passages: Int
    /// For alias writes, the collection the alias named before (nil when it did not exist).
    public var previousTarget: String?
    /// For an image stored, the id the cluster gave it.
    public var itemID: Int64?

    public init(sequence: Int64?, passages: Int = 0, previousTarget: String? = nil, itemID: Int64? = nil) {
        self.sequence = sequence
        self.passages = passages
        self.previousTarget = previousTarget
        self.itemID = itemID
    }
}
