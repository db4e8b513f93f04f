import Faiss
import Foundation
import Synchronization
import Testing

/// Searching threads run against one writer that adds and removes vectors.
/// Every id a search returns must be one that was added, and its distance must
/// be the one of that id's own vector: an id never points at another vector.
///
/// FAISS runs with one OpenMP thread per call, as the server runs it (it
/// parallelises across requests); this is also what lets ThreadSanitizer
/// check the binding, since it cannot see libgomp's own synchronisation.
@Suite struct ConcurrencyTests {
    static let dimension = 32
    static let baseIDs = (0..<Int64(2_000)).map { $0 }

    static func matrix(_ ids: [Int64]) -> Matrix {
        try! Matrix(rows: ids.count, columns: dimension, storage: ids.flatMap { SyntheticVectors.vector(for: $0, dimension: dimension) })
    }

    /// Runs `body(thread)` on `count` OS threads at once and waits for all.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for thread in 0..<count {
            group.enter()
            Thread {
                body(thread)
                group.leave()
            }.start()
        }
        group.wait()
    }

    @Test(arguments: ["Flat", "HNSW16,Flat", "IVF16,Flat"])
    func searchesDuringAddsAndRemovals(factory: String) throws {
        FaissRuntime.threadCount = 1
        let index = try Index(dimension: Self.dimension, factory: factory)
        try index.train(Self.matrix(Self.baseIDs))
        try index.add(Self.matrix(Self.baseIDs), ids: Self.baseIDs)
        let exactTopHit = !index.isHNSW
        let failures = Mutex<[String]>([])
        let searches = Atomic<Int>(0)

        Self.onThreads(5) { thread in
            var generator = SeededGenerator(seed: UInt64(thread) + 100)
            if thread == 0 {
                // The writer: add batches of new ids, remove some of the previous batch.
                for round in 0..<150 {
                    let ids = (0..<Int64(16)).map { 100_000 + Int64(round) * 16 + $0 }
                    do {
                        try index.add(Self.matrix(ids), ids: ids)
                        if round > 0 { try index.remove(ids: ids.map { $0 - 16 }.filter { $0 % 2 == 0 }) }
                    } catch {
                        failures.withLock { $0.append("writer: \(error)") }
                    }
                }
                return
            }
            for _ in 0..<300 {
                let target = Self.baseIDs.randomElement(using: &generator)!
                let query = SyntheticVectors.vector(for: target, dimension: Self.dimension)
                let parameters = SearchParameters(
                    nprobe: Int.random(in: 1...16, using: &generator), efSearch: Int.random(in: 16...96, using: &generator))
                do {
                    let hits = try index.search(query, k: 8, parameters: parameters)
                    searches.add(1, ordering: .relaxed)
                    if exactTopHit, hits.first?.id != target {
                        failures.withLock { $0.append("top hit \(hits.first?.id ?? -1) for \(target)") }
                    }
                    for hit in hits {
                        let expected = BruteForce.dot(query[...], SyntheticVectors.vector(for: hit.id, dimension: Self.dimension)[...])
                        if abs(expected - hit.distance) > 1e-4 {
                            failures.withLock { $0.append("id \(hit.id): distance \(hit.distance), its vector gives \(expected)") }
                        }
                    }
                } catch {
                    failures.withLock { $0.append("search: \(error)") }
                }
            }
        }
        let problems = failures.withLock { $0 }
        #expect(problems.count == 0, "first problems: \(problems.prefix(3))")
        #expect(searches.load(ordering: .relaxed) == 1_200)
        #expect(index.count == 2_000 + 150 * 16 - 149 * 8)
    }
}
