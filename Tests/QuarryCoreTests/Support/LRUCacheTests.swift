import Foundation
import QuarryCore
import Testing

@Suite struct LRUCacheTests {
    @Test func evictsTheLeastRecentlyUsedAndCounts() {
        let cache = LRUCache<String, Int>(capacity: 3, timeToLive: 60)
        for (offset, key) in ["a", "b", "c"].enumerated() { cache.store(offset, for: key) }
        #expect(cache.value(for: "a") == 0)  // a is now the most recent
        cache.store(3, for: "d")  // evicts b
        #expect(cache.value(for: "b") == nil)
        #expect(cache.value(for: "c") == 2 && cache.value(for: "d") == 3 && cache.value(for: "a") == 0)
        cache.store(30, for: "d")
        #expect(cache.value(for: "d") == 30 && cache.count == 3)
        #expect(cache.statistics.hits == 5 && cache.statistics.misses == 1)
        cache.removeAll()
        #expect(cache.count == 0 && cache.value(for: "a") == nil)
    }

    @Test func entriesExpire() throws {
        let cache = LRUCache<Int, Int>(capacity: 10, timeToLive: 0.05)
        cache.store(1, for: 1)
        #expect(cache.value(for: 1) == 1)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(cache.value(for: 1) == nil && cache.count == 0)
    }

    @Test func zeroCapacityDisablesIt() {
        let cache = LRUCache<Int, Int>(capacity: 0, timeToLive: 60)
        cache.store(1, for: 1)
        #expect(cache.value(for: 1) == nil)
    }

    @Test func survivesConcurrentUse() async {
        let cache = LRUCache<Int, Int>(capacity: 50, timeToLive: 60)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for i in 0..<2_000 {
                        let key = (i * 7 + worker) % 120
                        if let value = cache.value(for: key) { #expect(value == key * 2) } else { cache.store(key * 2, for: key) }
                    }
                }
            }
        }
        #expect(cache.count <= 50)
    }
}
