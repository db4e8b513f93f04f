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
    /// What happened to each file, in the order they were offered.
    public var records: [ImageIngestRecord] = []
    /// The index type after the run (it may change with the collection's size).
    public var factory = ""
    public var seconds = 0.0

    public init() {}

    /// Files that could not be read or decoded, with the reason; the run went on without them.
    public var failures: [(source: String, reason: String)] {
        records.compactMap { record in record.status == .failed ? (record.path, record.reason ?? "") : nil }
    }

    /// Files whose content was already stored (or offered earlier in the run) under another path.
    public var duplicates: [ImageIngestRecord] { records.filter { $0.status == .duplicate } }
}

/// What ingestion did with one file; a line of `quarry ingest-images --report`.
public struct ImageIngestRecord: Sendable, Equatable, Codable {
    /// What became of the file.
    public enum Status: String, Sendable, Codable {
        case stored, unchanged, duplicate, failed
    }

    /// The file's path relative to the ingested folder.
    public var path: String
    public var status: Status
    /// Why the file failed.
    public var reason: String?
    /// For a duplicate: the path its content is stored under.
    public var duplicateOf: String?

    public init(path: String, status: Status, reason: String? = nil, duplicateOf: String? = nil) {
        self.path = path
        self.status = status
        self.reason = reason
        self.duplicateOf = duplicateOf
    }

    enum CodingKeys: String, CodingKey {
        case path, status, reason
        case duplicateOf = "duplicate_of"
    }
}
