import Foundation
import QuarryCore

/// Recent search answers, keyed by collection instance, the collection index's generation
/// (so any write to the collection makes its old entries unreachable) and the normalised
/// request. Deleting a collection empties the cache, and an answer a search of the deleted
/// collection stores afterwards is never found: a collection created again under the same
/// name is another instance.
struct SearchCache: Sendable {
    struct Key: Hashable, Sendable {
        let collection: String
        let instance: Int
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
            collection: collection.name, instance: collection.instance, generation: collection.generation, request: "\(request)"
        )
    }
}
