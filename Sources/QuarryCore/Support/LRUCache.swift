import Foundation
import Synchronization

/// A thread-safe least-recently-used cache with a time-to-live: at most
/// `capacity` entries, each forgotten `timeToLive` seconds after it was stored.
/// Counts its hits and misses.
public final class LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var storedAt: UInt64
        var older: Key?
        var newer: Key?
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var newest: Key?
        var oldest: Key?
        var hits = 0
        var misses = 0
    }

    public let capacity: Int
    public let timeToLive: Double
    private let state = Mutex(State())

    /// A cache of `capacity` entries (0 disables it) that expire after `timeToLive` seconds.
    public init(capacity: Int, timeToLive: Double) {
        self.capacity = max(0, capacity)
        self.timeToLive = timeToLive
    }

    /// The value stored for `key`, if present and fresh; marks it most recently used.
    public func value(for key: Key) -> Value? {
        state.withLock { state in
            // Read under the lock: an entry stored by another thread after a time read before
            // it would look stored in the future (and the unsigned age would overflow).
            let now = DispatchTime.now().uptimeNanoseconds
            guard let entry = state.entries[key] else {
                state.misses += 1
                return nil
            }
            guard Double(now - entry.storedAt) / 1e9 <= timeToLive else {
                Self.unlink(key, from: &state)
                state.misses += 1
                return nil
            }
            state.hits += 1
            Self.unlink(key, from: &state)
            Self.pushNewest(key, entry, into: &state)
            return entry.value
        }
    }

    /// Stores `value` for `key`, evicting the least recently used entry when full.
    public func store(_ value: Value, for key: Key) {
        guard capacity > 0 else { return }
        let entry = Entry(value: value, storedAt: DispatchTime.now().uptimeNanoseconds)
        state.withLock { state in
            if state.entries[key] != nil { Self.unlink(key, from: &state) }
            Self.pushNewest(key, entry, into: &state)
            while state.entries.count > capacity, let oldest = state.oldest {
                Self.unlink(oldest, from: &state)
            }
        }
    }

    /// Forgets every entry.
    public func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.newest = nil
            state.oldest = nil
        }
    }

    /// Entries held now.
    public var count: Int { state.withLock { $0.entries.count } }
    /// Lookups that found a fresh entry, and those that did not.
    public var statistics: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    private static func pushNewest(_ key: Key, _ entry: Entry, into state: inout State) {
        var entry = entry
        entry.older = state.newest
        entry.newer = nil
        if let newest = state.newest { state.entries[newest]?.newer = key }
        state.newest = key
        if state.oldest == nil { state.oldest = key }
        state.entries[key] = entry
    }

    private static func unlink(_ key: Key, from state: inout State) {
        guard let entry = state.entries.removeValue(forKey: key) else { return }
        if let older = entry.older { state.entries[older]?.newer = entry.newer } else { state.oldest = entry.newer }
        if let newer = entry.newer { state.entries[newer]?.older = entry.older } else { state.newest = entry.older }
    }
}
