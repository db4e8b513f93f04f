/// Restricts a search to some passages.
public struct PassageFilter: Sendable, Equatable {
    /// Exact source path, or a folder when it ends with "/".
    public var source: String?
    /// Prefix of the chapter path, e.g. "第一章" or "Indexes > HNSW".
    public var chapter: String?

    public init(source: String? = nil, chapter: String? = nil) {
        self.source = source
        self.chapter = chapter
    }

    public var isEmpty: Bool { source == nil && chapter == nil }

    /// Whether `passage` passes the filter.
    public func matches(_ passage: StoredPassage) -> Bool {
        if let source {
            if source.hasSuffix("/") ? !passage.source.hasPrefix(source) : passage.source != source { return false }
        }
        if let chapter, !passage.chapter.hasPrefix(chapter) { return false }
        return true
    }

    /// SQL condition over `d.source` and `p.chapter`, with its arguments.
    var sqlCondition: (sql: String, arguments: [String]) {
        var clauses: [String] = []
        var arguments: [String] = []
        if let source {
            if source.hasSuffix("/") {
                clauses.append("substr(d.source, 1, length(?)) = ?")
                arguments += [source, source]
            } else {
                clauses.append("d.source = ?")
                arguments.append(source)
            }
        }
        if let chapter {
            clauses.append("substr(p.chapter, 1, length(?)) = ?")
            arguments += [chapter, chapter]
        }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), arguments)
    }
}
