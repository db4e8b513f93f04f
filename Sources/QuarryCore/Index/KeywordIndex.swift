import CXapian
import Foundation

/// The keyword index of a text collection: each passage's ``KeywordTerms`` in a Xapian
/// database (`keywords/` in the collection folder), ranked by BM25 with Xapian's matcher,
/// which skips passages that cannot reach the top of the list.
///
/// Like the FAISS index it is derived from the store: a passage id is only ever given to
/// one text, so opening compares the two id sets and adds or removes what differs
/// (``open(folder:store:logger:)``). Writes commit atomically and searches see the last
/// commit. Safe to share across tasks.
public final class KeywordIndex: @unchecked Sendable {
    /// BM25's term-frequency saturation.
    public static let k1 = 1.2
    /// BM25's length normalisation.
    public static let b = 0.75
    /// Most postings one question reads: its rarest terms are asked while their passage counts
    /// add up to at most this (always the rarest). A course never reaches it; in a collection
    /// of a million passages it leaves out the commonest bigrams, which bound a search's time.
    /// Chosen by measurement (docs/benchmarks.md, "Course search at 1,000,000 passages").
    public static let postingsBudget: UInt64 = 150_000

    /// How long a write waits for Xapian's lock on the database while another open file
    /// description holds it: a child process the server forks (the PDF tools) keeps the lock's
    /// descriptor until it execs.
    public static let lockPatience: Duration = .seconds(10)

    private let database: OpaquePointer

    /// Opens (creating when missing) the database in `folder`; its writes wait up to
    /// `lockPatience` for the lock.
    /// - Throws: ``KeywordIndexError`` when Xapian cannot open or create it.
    init(folder: URL, lockPatience: Duration = KeywordIndex.lockPatience) throws(KeywordIndexError) {
        var handle: OpaquePointer?
        let patience = UInt32(clamping: Int((lockPatience / .milliseconds(1)).rounded()))
        try Self.check("open \(folder.path)") { error in qx_open(folder.path, patience, &handle, error) }
        database = handle!
    }

    deinit { qx_close(database) }

    /// Passages in the index.
    public func count() throws(KeywordIndexError) -> Int {
        var count: UInt32 = 0
        try Self.check("count") { error in qx_count(database, &count, error) }
        return Int(count)
    }

    /// Every passage id in the index, ascending.
    public func ids() throws(KeywordIndexError) -> [Int64] {
        var ids: UnsafeMutablePointer<UInt32>?
        var count = 0
        try Self.check("list ids") { error in qx_ids(database, &ids, &count, error) }
        defer { free(ids) }
        return (0..<count).map { Int64(ids![$0]) }
    }

    /// In one commit: removes `removed`, then indexes each of `added` (a passage id and the text
    /// it is searched by), replacing what an id held.
    /// - Throws: ``KeywordIndexError`` for an id outside 1…2³²−1 or a failed write.
    func apply(removed: [Int64], added: [(id: Int64, text: String)]) throws(KeywordIndexError) {
        guard !removed.isEmpty || !added.isEmpty else { return }
        let removedIDs = try removed.map(Self.documentID)
        let addedIDs = try added.map { passage throws(KeywordIndexError) in try Self.documentID(passage.id) }
        let documents = added.map { KeywordTerms.documentTerms(of: $0.text) }
        let termCounts = documents.map(\.count)
        try Self.withCStrings(documents.flatMap { $0 }) { terms throws(KeywordIndexError) in
            try Self.check("write \(added.count) passages, remove \(removed.count)") { error in
                qx_apply(database, removedIDs, removedIDs.count, addedIDs, termCounts, terms, added.count, error)
            }
        }
    }

    /// The passages holding any of the query terms of `text` (the rarest, within `postingsBudget`),
    /// ranked by BM25 (larger is better), best first: at most `limit`. With `allowed`, only those
    /// passages can match.
    public func search(
        _ text: String, limit: Int, allowed: [Int64]? = nil, postingsBudget: UInt64 = KeywordIndex.postingsBudget
    ) throws(KeywordIndexError) -> [(id: Int64, score: Double)] {
        let query = KeywordQuery(text)
        guard !query.terms.isEmpty, limit > 0 else { return [] }
        let allowedIDs = allowed.map { ids in ids.compactMap { UInt32(exactly: $0) }.sorted() }
        if let allowedIDs, allowedIDs.isEmpty { return [] }
        var ids = [UInt32](repeating: 0, count: limit)
        var scores = [Double](repeating: 0, count: limit)
        var found = 0
        try Self.withCStrings(query.terms) { terms throws(KeywordIndexError) in
            try Self.check("search") { error in
                qx_search(
                    database, terms, query.terms.count, Self.k1, Self.b, postingsBudget, allowedIDs, allowedIDs?.count ?? 0,
                    UInt32(limit), &ids, &scores, &found, error)
            }
        }
        return (0..<found).map { (id: Int64(ids[$0]), score: scores[$0]) }
    }

    /// Xapian's document id for a passage id.
    private static func documentID(_ id: Int64) throws(KeywordIndexError) -> UInt32 {
        guard id > 0, let documentID = UInt32(exactly: id) else {
            throw KeywordIndexError(operation: "index passage \(id)", reason: "id outside 1…4294967295")
        }
        return documentID
    }

    /// Runs `body` with `strings` as an array of C strings.
    private static func withCStrings<Result>(
        _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws(KeywordIndexError) -> Result
    ) throws(KeywordIndexError) -> Result {
        let copies = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        let pointers = copies.map { UnsafePointer($0) }
        return try pointers.withUnsafeBufferPointer { buffer throws(KeywordIndexError) in
            try body(buffer.baseAddress)
        }
    }

    /// Calls a shim function and turns its failure into a ``KeywordIndexError``.
    private static func check(_ operation: String, _ call: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32) throws(KeywordIndexError) {
        var message: UnsafeMutablePointer<CChar>?
        guard call(&message) != 0 else { return }
        defer { qx_string_free(message) }
        throw KeywordIndexError(operation: operation, reason: message.map { String(cString: $0) } ?? "unknown error")
    }
}
