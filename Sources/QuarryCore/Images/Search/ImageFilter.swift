/// Restricts an image search to a category and/or a price range (bounds inclusive).
public struct ImageFilter: Sendable, Equatable {
    public var category: String?
    public var priceMin: Double?
    public var priceMax: Double?

    public init(category: String? = nil, priceMin: Double? = nil, priceMax: Double? = nil) {
        self.category = category
        self.priceMin = priceMin
        self.priceMax = priceMax
    }

    public var isEmpty: Bool { category == nil && priceMin == nil && priceMax == nil }

    /// Whether `image` passes the filter. An item without a price fails any price bound.
    public func matches(_ image: StoredImage) -> Bool {
        if let category, image.category != category { return false }
        if priceMin != nil || priceMax != nil {
            guard let price = image.price else { return false }
            if let priceMin, price < priceMin { return false }
            if let priceMax, price > priceMax { return false }
        }
        return true
    }
}
