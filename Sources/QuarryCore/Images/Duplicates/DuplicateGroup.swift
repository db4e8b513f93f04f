/// Stored images that nearly duplicate one another: each scores at least the threshold with
/// another member (a connected group, so two members may be linked only through a third).
public struct DuplicateGroup: Sendable, Equatable {
    /// The members, by ascending id.
    public let images: [StoredImage]
    /// The lowest and highest score of the pairs that link members.
    public let lowestScore: Double
    public let highestScore: Double
}
