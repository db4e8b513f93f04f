/// What adding a batch of images did, per image and in total.
public struct ImageAddResult: Sendable {
    /// The outcome for one input, in input order.
    public enum Outcome: Sendable, Equatable {
        /// Stored under this id.
        case stored(id: Int64)
        /// Already stored with the same content.
        case unchanged
        /// Stored, then replaced by a later image of the same batch with the same path.
        case superseded
        /// Not stored: the data is not a usable image (or the path is unsafe).
        case failed(reason: String)
    }

    public var outcomes: [Outcome] = []
    /// Ids of earlier versions of replaced images (removed from the index).
    public var replacedIDs: [Int64] = []
    /// Images embedded, and the seconds their embedding took in all.
    public var embeddedImages = 0
    public var embeddingSeconds = 0.0

    public init() {}

    /// Ids of the images stored, in input order.
    public var storedIDs: [Int64] { outcomes.compactMap { if case .stored(let id) = $0 { id } else { nil } } }
    public var storedCount: Int { outcomes.filter { if case .stored = $0 { true } else { false } }.count }
    public var unchangedCount: Int { outcomes.filter { $0 == .unchanged }.count }
    public var failures: [String] {
        outcomes.compactMap { if case .failed(let reason) = $0 { reason } else { nil } }
    }
}
