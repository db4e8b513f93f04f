/// What one ingestion run did.
public struct IngestSummary: Sendable, Equatable {
    /// Files found that a reader supports.
    public var files = 0
    /// Files whose content changed (or were new) and were stored.
    public var ingested = 0
    /// Files skipped because their content hash was unchanged.
    public var unchanged = 0
    /// Files that could not be read, with the reason; the run goes on without them.
    public var failures: [(source: String, reason: String)] = []
    /// Passages stored by this run.
    public var passages = 0
    /// Passages not stored because an identical one already exists.
    public var duplicates = 0
    /// Passages removed because their document changed.
    public var removed = 0
    public var seconds = 0.0

    public init() {}

    public static func == (lhs: IngestSummary, rhs: IngestSummary) -> Bool {
        lhs.files == rhs.files && lhs.ingested == rhs.ingested && lhs.unchanged == rhs.unchanged
            && lhs.failures.map(\.source) == rhs.failures.map(\.source) && lhs.passages == rhs.passages
            && lhs.duplicates == rhs.duplicates && lhs.removed == rhs.removed
    }
}

/// Progress of an ingestion run, reported after each file.
public struct IngestProgress: Sendable {
    public let completed: Int
    public let total: Int
    public let source: String
}

/// The store and the index disagree after an ingest: a bug, never expected.
public struct IndexStoreMismatch: Error, CustomStringConvertible, Sendable {
    public let collection: String
    public let indexCount: Int
    public let storeCount: Int
    public var description: String {
        "collection \(collection): index holds \(indexCount) vectors but the store \(storeCount) passages"
    }
}
