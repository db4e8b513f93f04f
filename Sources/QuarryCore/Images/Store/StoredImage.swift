import Foundation

/// An image of a collection with its metadata, as stored.
public struct StoredImage: Sendable, Equatable {
    /// The image's id, also its vector's id in FAISS.
    public let id: Int64
    /// Path of the image file relative to the collection's media folder.
    public let path: String
    public let category: String
    /// Price in the collection's currency, when the item has one.
    public let price: Double?
    public let title: String
    /// Any further fields from the metadata file or the API.
    public let metadata: [String: JSONValue]
    public let width: Int
    public let height: Int
    /// SHA-256 of the image file.
    public let contentHash: String
}
