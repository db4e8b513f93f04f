extension CollectionConfiguration {
    /// Whether this node keeps document `source`: always for a whole collection; for a sharded
    /// one, when the document's shard is among ``heldShards``.
    public func holdsDocument(source: String) -> Bool {
        guard let sharding else { return true }
        return heldShards?.contains(sharding.shard(ofSource: source)) ?? false
    }
}
