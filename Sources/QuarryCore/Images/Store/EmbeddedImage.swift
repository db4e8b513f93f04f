import Foundation

/// An image file with its embedding and metadata: everything a node needs to store it without
/// the model (what cluster mode keeps in PostgreSQL and every node applies).
public struct EmbeddedImage: Sendable, Equatable {
    /// The rows to store; with an ``NewImage/id`` when the cluster gave it one.
    public var image: NewImage
    /// The image file as uploaded.
    public var data: Data

    public init(image: NewImage, data: Data) {
        self.image = image
        self.data = data
    }
}
