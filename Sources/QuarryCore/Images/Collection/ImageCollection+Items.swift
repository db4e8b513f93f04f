extension ImageCollection {
    /// The stored image `id`, or nil when there is none.
    public func image(id: Int64) throws(StoreError) -> StoredImage? {
        try store.image(id: id)
    }

    /// Images stored.
    public func imageCount() throws(StoreError) -> Int {
        try store.imageCount()
    }

    /// Each category with its number of images.
    public func categories() throws(StoreError) -> [(name: String, count: Int)] {
        try store.categories()
    }
}
