/// A collection of the data folder that could not be opened, and why.
public struct UnavailableCollection: Sendable, Equatable {
    /// The collection's folder name.
    public let name: String
    /// The error that kept it from opening.
    public let reason: String
}
