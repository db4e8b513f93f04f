import Foundation
import Synchronization

/// Other names of collections, kept in `aliases.json` in the data folder. An alias is read
/// wherever a collection name is, and moving it to another collection is one atomic swap: a
/// request sees the old target or the new one, never neither.
final class CollectionAliases: Sendable {
    private let file: URL
    private let targets: Mutex<[String: String]>

    /// Reads the aliases of `dataDirectory` (none when it has no `aliases.json`).
    /// - Throws: ``CollectionError/unreadableConfiguration(path:reason:)`` for a file that is not an alias table.
    init(dataDirectory: URL) throws(CollectionError) {
        file = dataDirectory.appendingPathComponent("aliases.json")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            targets = Mutex([:])
            return
        }
        do {
            targets = Mutex(try JSONDecoder().decode([String: String].self, from: data))
        } catch {
            throw .unreadableConfiguration(path: file.path, reason: "\(error)")
        }
    }

    /// The collection `alias` names, if it is an alias.
    func target(of alias: String) -> String? {
        targets.withLock { $0[alias] }
    }

    /// Every alias with its collection.
    var all: [String: String] {
        targets.withLock { $0 }
    }

    /// The aliases that name `collection`, sorted.
    func aliases(of collection: String) -> [String] {
        targets.withLock { $0.filter { $0.value == collection }.map(\.key) }.sorted()
    }

    /// Points `alias` at `collection` (or removes it, for nil), on disk before in memory;
    /// returns the collection it named before.
    @discardableResult
    func set(_ alias: String, to collection: String?) throws -> String? {
        try targets.withLock { targets in
            var changed = targets
            changed[alias] = collection
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(changed), to: file)
            let previous = targets[alias]
            targets = changed
            return previous
        }
    }
}
