import Foundation
import Logging

extension KeywordIndex {
    /// What opening a keyword index had to do to match its store.
    public struct Recovery: Sendable, Equatable {
        /// The database could not be read and was built again from the store.
        public var rebuilt = false
        /// Stored passages missing from the index, added (all of them for a new index).
        public var replayed = 0
        /// Index entries without a stored passage, removed.
        public var removed = 0

        public init() {}
    }

    /// Passages indexed per commit while an index catches up with its store.
    static let replayBatch = 4_096

    /// Opens the keyword index in `folder` (creating it when missing) and brings it in line
    /// with `store`: stored passages it lacks are indexed and entries the store does not know
    /// are removed. A database Xapian cannot read is deleted and built again from the store.
    static func open(folder: URL, store: PassageStore, logger: Logger) throws -> (KeywordIndex, Recovery) {
        var recovery = Recovery()
        let index: KeywordIndex
        var indexed: [Int64] = []
        do {
            let opened = try KeywordIndex(folder: folder)
            indexed = try opened.ids()
            index = opened
        } catch {
            logger.warning("keyword index unreadable, building it again", metadata: ["folder": "\(folder.path)", "error": "\(error)"])
            if FileManager.default.fileExists(atPath: folder.path) { try FileManager.default.removeItem(at: folder) }
            index = try KeywordIndex(folder: folder)
            recovery.rebuilt = true
        }
        let stored = Set(try store.allIDs())
        let unknown = Set(indexed).subtracting(stored).sorted()
        let missing = stored.subtracting(indexed).sorted()
        try index.apply(removed: unknown, added: [])
        for start in stride(from: 0, to: missing.count, by: replayBatch) {
            let ids = Array(missing[start..<min(start + replayBatch, missing.count)])
            try index.apply(removed: [], added: store.indexedTexts(ids: ids))
        }
        recovery.replayed = missing.count
        recovery.removed = unknown.count
        if recovery != Recovery() {
            logger.notice(
                "keyword index brought in line with the store",
                metadata: ["rebuilt": "\(recovery.rebuilt)", "replayed": "\(recovery.replayed)", "removed": "\(recovery.removed)"])
        }
        return (index, recovery)
    }
}
