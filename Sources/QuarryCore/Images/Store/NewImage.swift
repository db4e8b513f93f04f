import Foundation

/// An embedded image about to be stored; its file is already in the media folder.
public struct NewImage: Sendable, Equatable {
    /// Path of the image file relative to the collection's media folder.
    public var path: String
    public var category: String
    public var price: Double?
    public var title: String
    public var metadata: [String: JSONValue]
    public var width: Int
    public var height: Int
    public var contentHash: String
    public var vector: [Float]
    /// The id to store it under (cluster mode, where PostgreSQL hands ids out); nil lets the store choose.
    public var id: Int64?

    public init(
        path: String, category: String, price: Double?, title: String, metadata: [String: JSONValue] = [:],
        width: Int, height: Int, contentHash: String, vector: [Float], id: Int64? = nil
    ) {
        self.path = path
        self.category = category
        self.price = price
        self.title = title
        self.metadata = metadata
        self.width = width
        self.height = height
        self.contentHash = contentHash
        self.vector = vector
        self.id = id
    }
}

extension NewImage {
    /// Stored image `image` with `vector`, to be stored again elsewhere (under a new id).
    public init(_ image: StoredImage, vector: [Float]) {
        self.init(
            path: image.path, category: image.category, price: image.price, title: image.title, metadata: image.metadata,
            width: image.width, height: image.height, contentHash: image.contentHash, vector: vector)
    }
}
