/// What a write to a store changed, so the index can follow it.
public struct StoreChange: Sendable, Equatable {
    /// Ids of new rows, in the order of `addedVectors`' rows.
    public var addedIDs: [Int64] = []
    /// `addedIDs.count × dimension` values.
    public var addedVectors: [Float] = []
    /// Ids of rows that were deleted.
    public var removedIDs: [Int64] = []
    /// Rows not stored because an identical one already exists.
    public var duplicatesSkipped = 0

    public init() {}
}
