/// What a document write changed, so the index can follow the store.
public struct DocumentChange: Sendable, Equatable {
    /// Ids of new passages, in the order of `addedVectors`' rows.
    public var addedIDs: [Int64] = []
    /// `addedIDs.count × dimension` values.
    public var addedVectors: [Float] = []
    /// Ids of passages that were deleted.
    public var removedIDs: [Int64] = []
    /// Passages not stored because an identical passage already exists.
    public var duplicatesSkipped = 0

    public init() {}
}
