import Foundation
import QuarryCore

/// Recent search answers, keyed by collection, the collection index's generation
/// (so any write to the collection makes its old entries unreachable) and the
/// normalised request. Deleting a collection empties the cache; the key's creation
/// time (whole seconds once read back) also keeps out an answer a search of the
/// deleted collection stores afterwards, unless it is created again within that second.
struct SearchCache: Sendable {
    struct Key: Hashable, Sendable {
        let collection: String
        let createdAt: Date
        let generation: Int
        let request: String
    }

    /// Capacity 0 turns caching off.
    let entries: LRUCache<Key, SearchResponse>

    init(capacity: Int, timeToLive: Double) {
        entries = LRUCache(capacity: capacity, timeToLive: timeToLive)
    }

    func key(_ collection: TextCollection, _ request: TextSearchRequest) -> Key {
        Key(
            collection: collection.name, createdAt: collection.configuration.createdAt, generation: collection.generation,
            request: "\(request)"
        )
    }
}
