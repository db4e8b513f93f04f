import Foundation

/// Where an index is checkpointed: the FAISS index file and the manifest it must match.
/// ``CollectionFolder`` names them.
public struct IndexFiles: Sendable, Equatable {
    public let index: URL
    public let manifest: URL

    public init(index: URL, manifest: URL) {
        self.index = index
        self.manifest = manifest
    }

    /// The folder holding them.
    public var folder: URL { index.deletingLastPathComponent() }
}
