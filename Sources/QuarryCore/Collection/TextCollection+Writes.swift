import Embeddings
import Foundation

extension TextCollection {
    /// Embeds and stores `document`, replacing the passages its source had.
    /// A document whose content hash is unchanged is skipped (returns nil).
    /// The store is committed before the index changes, so an acknowledged
    /// write survives a crash (the index is repaired from the store on open).
    @discardableResult
    public func add(_ document: TextDocument) throws -> StoreChange? {
        guard try needsStoring(document) else { return nil }
        return try save(document.embedded(by: encoder))
    }

    /// Whether `document` is new or changed: the collection does not hold its source with its content hash.
    public func needsStoring(_ document: TextDocument) throws -> Bool {
        try store.contentHash(of: document.source) != document.contentHash
    }

    /// Stores an embedded document with its vectors as they are, replacing the passages its
    /// source had; an unchanged one (same content hash) is skipped (returns nil) unless
    /// `replacingUnchanged` (its passages stored again under the ids `document` gives).
    @discardableResult
    public func save(_ document: EmbeddedDocument, replacingUnchanged: Bool = false) throws -> StoreChange? {
        if !replacingUnchanged, try store.contentHash(of: document.source) == document.contentHash { return nil }
        return try commit {
            let change = try store.replaceDocument(
                source: document.source, contentHash: document.contentHash, metadata: document.metadata, passages: document.passages
            )
            return (change, change)
        }
    }

    /// Copies every document of `other` (same model) into this collection with its
    /// stored vectors — nothing is embedded again. A document whose source exists
    /// here is replaced; an unchanged one is skipped. Returns the documents copied.
    @discardableResult
    public func merge(from other: TextCollection) throws -> Int {
        try requireMergeable(other)
        var copied = 0
        try other.store.forEachDocument { document in
            if try save(document) != nil { copied += 1 }
        }
        return copied
    }

    /// Whether document `source` is stored.
    public func containsDocument(source: String) throws -> Bool {
        try store.contentHash(of: source) != nil
    }

    /// Deletes document `source` and its passages; returns how many passages were removed.
    @discardableResult
    public func deleteDocument(source: String) throws -> Int {
        try commit {
            let removed = try store.deleteDocument(source: source)
            return (removed.count, StoreChange(removedIDs: removed))
        }
    }

    /// Deletes passages by id (rows, keyword entries, then vectors); returns the ids that existed.
    @discardableResult
    public func deletePassages(ids: [Int64]) throws -> [Int64] {
        try commit {
            let removed = try store.deletePassages(ids: ids)
            return (removed, StoreChange(removedIDs: removed))
        }
    }

    /// Runs a store write, then applies its change to the keyword index and the vector index,
    /// one write at a time. A crash in between leaves the indexes behind the store, which
    /// they catch up with when the collection next opens.
    private func commit<Result: Sendable>(_ write: () throws -> (result: Result, change: StoreChange)) throws -> Result {
        try index.commit {
            let (result, change) = try write()
            try keywords.apply(removed: change.removedIDs, added: store.indexedTexts(ids: change.addedIDs))
            return (result, change)
        }
    }
}

extension StoreChange {
    init(removedIDs: [Int64]) {
        self.init()
        self.removedIDs = removedIDs
    }
}
