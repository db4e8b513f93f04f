/// One search hit: a caller-chosen id and its distance to the query
/// (inner product: larger is closer; L2: smaller is closer).
public struct Neighbor: Sendable, Hashable {
    public let id: Int64
    public let distance: Float

    public init(id: Int64, distance: Float) {
        self.id = id
        self.distance = distance
    }
}
