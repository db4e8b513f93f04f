extension TextCollection {
    /// Documents stored.
    public func documentCount() throws(StoreError) -> Int {
        try store.documentCount()
    }

    /// Passages stored.
    public func passageCount() throws(StoreError) -> Int {
        try store.passageCount()
    }
}
