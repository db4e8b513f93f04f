import Foundation

/// Reads one document format into text and sections.
///
/// Readers are value types without shared mutable state, so one reader may be used from many tasks
/// at once. They never trap on bad input: every failure is a ``DocumentReadError``.
public protocol DocumentReader: Sendable {
    /// The format this reader produces.
    var format: DocumentFormat { get }

    /// Reads a document from a file or from data in memory.
    func read(_ source: DocumentSource) throws(DocumentReadError) -> DocumentContent
}

extension DocumentReader {
    /// Reads the document in the file at `url`.
    public func read(contentsOf url: URL) throws(DocumentReadError) -> DocumentContent {
        try read(.file(url))
    }

    /// Reads a document from bytes in memory; `name` is its file name (used in errors).
    public func read(data: Data, name: String) throws(DocumentReadError) -> DocumentContent {
        try read(.data(data, name: name))
    }
}

/// Limits that protect the readers from oversized or hostile input.
public struct DocumentReaderLimits: Sendable, Hashable {
    /// The largest file accepted, in bytes (default 256 MiB).
    public var maxFileBytes: UInt64
    /// The largest uncompressed size of one part of an Office file, in bytes (default 64 MiB);
    /// guards against ZIP bombs.
    public var maxPartBytes: UInt64

    /// Creates limits.
    public init(maxFileBytes: UInt64 = 256 << 20, maxPartBytes: UInt64 = 64 << 20) {
        self.maxFileBytes = maxFileBytes
        self.maxPartBytes = maxPartBytes
    }

    /// The default limits.
    public static let `default` = DocumentReaderLimits()
}
