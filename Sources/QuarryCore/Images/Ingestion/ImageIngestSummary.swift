/// What one image ingestion run did.
public struct ImageIngestSummary: Sendable {
    /// Images offered to the run.
    public var files = 0
    /// Images stored (new or changed).
    public var stored = 0
    /// Images skipped because the same file is already stored.
    public var unchanged = 0
    /// Images replaced by a changed file of the same path.
    public var replaced = 0
    /// Images that could not be read or decoded, with the reason; the run goes on without them.
    public var failures: [(source: String, reason: String)] = []
    /// The index type after the run (it may change with the collection's size).
    public var factory = ""
    public var seconds = 0.0

    public init() {}
}
