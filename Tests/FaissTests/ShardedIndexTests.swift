import Faiss
import Foundation
import Synchronization
import Testing

/// Shards searched together answer as one index would: exactly, with Flat
/// shards, whatever the number of vectors in each.
@Suite struct ShardedIndexTests {
    static let data = SyntheticVectors.clustered(count: 2_050, dimension: 32, seed: 61)
    static let base = data.rows(0..<2_000)
    static let queries = data.rows(2_000..<2_050)
    static let ids = (0..<Int64(base.rows)).map { $0 * 7 + 3 }

    func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("quarry-shards-\(UUID().uuidString)")
    }

    /// The same vectors in one Flat index and in Flat shards.
    func flatPair(metric: Metric = .innerProduct, shardCount: Int, rows: [Int], ids: [Int64]) throws -> (Index, ShardedIndex) {
        let vectors = try Matrix(rows.map { Array(Self.base[$0]) })
        let single = try Index(dimension: 32, metric: metric)
        let sharded = try ShardedIndex(dimension: 32, metric: metric, shardCount: shardCount)
        try single.add(vectors, ids: ids)
        try sharded.add(vectors, ids: ids)
        return (single, sharded)
    }

    @Test(arguments: Metric.allCases)
    func flatShardsMatchOneFlatIndex(metric: Metric) throws {
        let (single, sharded) = try flatPair(metric: metric, shardCount: 4, rows: Array(0..<Self.base.rows), ids: Self.ids)
        #expect(sharded.count == Self.base.rows)
        #expect(sharded.shards.allSatisfy { $0.count == Self.base.rows / 4 })
        // Batched queries go through BLAS, whose blocking differs between one large and four small
        // matrices: the same neighbours, with distances equal up to the last bits.
        let expected = try single.search(Self.queries, k: 10)
        let answer = try sharded.search(Self.queries, k: 10)
        #expect(answer.ids == expected.ids)
        #expect(zip(answer.distances, expected.distances).allSatisfy { abs($0 - $1) <= 1e-5 })
        // One query takes FAISS's non-BLAS path, whose distances may differ in the last bits.
        for query in 0..<5 {
            let vector = Array(Self.queries[query])
            #expect(try sharded.search(vector, k: 10) == single.search(vector, k: 10))
        }
    }

    /// Shards 3 and 4 are empty, shards 1 and 2 hold fewer vectors than k.
    @Test(arguments: Metric.allCases)
    func kBeyondSomeShardsAndEmptyShards(metric: Metric) throws {
        let ids: [Int64] = [0, 5, 10, 15, 1, 6, 2]
        let (single, sharded) = try flatPair(metric: metric, shardCount: 5, rows: Array(0..<ids.count), ids: ids)
        #expect(sharded.shards.map(\.count) == [4, 2, 1, 0, 0])
        for k in [3, 5, 10] {
            let expected = try single.search(Self.queries, k: k)
            #expect(try sharded.search(Self.queries, k: k) == expected, "k = \(k)")
        }
        #expect(try sharded.search(Self.queries, k: 10)[0].count == ids.count)
        let empty = try ShardedIndex(dimension: 32, metric: metric, shardCount: 3)
        let nothing = try empty.search(Self.queries, k: 4)
        #expect(nothing.count == Self.queries.rows)
        #expect(nothing.ids.allSatisfy { $0 == -1 })
    }

    @Test func idsRouteToOneShardEach() throws {
        let (_, sharded) = try flatPair(shardCount: 3, rows: Array(0..<300), ids: Array(Self.ids.prefix(300)))
        #expect([7, 8, 9, -1, -3, -4].map(sharded.shard(for:)) == [1, 2, 0, 2, 0, 2])
        for (position, shard) in sharded.shards.enumerated() {
            #expect(try shard.ids().allSatisfy { $0 % 3 == Int64(position) })
        }
        let removed = Self.ids.prefix(300).filter { $0 % 2 == 0 }
        let countsBefore = sharded.shards.map(\.count)
        #expect(try sharded.remove(ids: removed + [999_999_999]) == removed.count)
        for (position, shard) in sharded.shards.enumerated() {
            let removedHere = removed.filter { $0 % 3 == Int64(position) }.count
            #expect(shard.count == countsBefore[position] - removedHere, "shard \(position)")
        }
        #expect(Set(try sharded.ids()) == Set(Self.ids.prefix(300)).subtracting(removed))
        let results = try sharded.search(Self.queries, k: 20)
        #expect(results.ids.allSatisfy { $0 >= 0 && $0 % 2 == 1 })
    }

    @Test func rejectedBatchAddsNothing() throws {
        let (_, sharded) = try flatPair(shardCount: 4, rows: Array(0..<100), ids: Array(0..<100))
        let batch = Self.base.rows(100..<104)
        #expect(throws: FaissError.self) { try sharded.add(batch, ids: [200, 201, 202, 50]) }
        #expect(throws: FaissError.self) { try sharded.add(batch, ids: [300, 301, 302, -2]) }
        #expect(throws: FaissError.self) { try sharded.add(vectors: [1, 2, 3], ids: [400]) }
        #expect(sharded.count == 100)
        #expect(Set(try sharded.ids()) == Set(0..<100))
    }

    @Test(arguments: ["Flat", "IVF16,Flat", "HNSW16,Flat"])
    func persistenceRoundTrip(factory: String) throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sharded = try ShardedIndex(dimension: 32, factory: factory, metric: .l2, shardCount: 3)
        try sharded.train(Self.base)
        try sharded.add(Self.base, ids: Self.ids)
        try sharded.remove(ids: Array(Self.ids.prefix(10)))
        try sharded.write(to: folder)
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: folder.path)) == ["shard-0.faiss", "shard-1.faiss", "shard-2.faiss"])

        let loaded = try ShardedIndex(contentsOf: folder)
        #expect(loaded.shards.count == 3)
        #expect(loaded.metric == .l2)
        #expect(loaded.count == Self.base.rows - 10)
        #expect(try loaded.ids() == sharded.ids())
        #expect(try loaded.search(Self.queries, k: 10) == sharded.search(Self.queries, k: 10))

        // Fewer shards written into the same folder replace the old layout.
        let (_, smaller) = try flatPair(shardCount: 2, rows: Array(0..<50), ids: Array(Self.ids.prefix(50)))
        try smaller.write(to: folder)
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: folder.path)) == ["shard-0.faiss", "shard-1.faiss"])
        #expect(try ShardedIndex(contentsOf: folder).count == 50)
    }

    @Test func strayShardFilesAreRejected() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: FaissError.self) { try ShardedIndex(contentsOf: folder) }
        let (_, sharded) = try flatPair(shardCount: 2, rows: Array(0..<50), ids: Array(0..<50))
        try sharded.write(to: folder)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("shard-1.faiss"), to: folder.appendingPathComponent("shard-2.faiss"))
        #expect(throws: FaissError.self) { try ShardedIndex(contentsOf: folder) }
    }

    @Test func ivfShardsReachRecall() throws {
        let data = SyntheticVectors.clustered(count: 10_100, dimension: 64, clusters: 16, spread: 0.8, seed: 11)
        let base = data.rows(0..<10_000)
        let queries = data.rows(10_000..<10_100)
        let ids = (0..<Int64(base.rows)).map { $0 }
        let exact = try Index(dimension: 64)
        try exact.add(base, ids: ids)
        let truth = Array(try exact.search(queries, k: 10))

        let sharded = try ShardedIndex(dimension: 64, factory: "IVF32,Flat", shardCount: 4)
        #expect(!sharded.isTrained)
        #expect(throws: FaissError.self) { try sharded.add(base, ids: ids) }
        try sharded.train(base)
        #expect(sharded.isTrained)
        #expect(sharded.shards.allSatisfy { $0.nlist == 32 })
        try sharded.add(base, ids: ids)
        let low = BruteForce.recall(try sharded.search(queries, k: 10, parameters: .init(nprobe: 1)), truth: truth)
        let high = BruteForce.recall(try sharded.search(queries, k: 10, parameters: .init(nprobe: 8)), truth: truth)
        #expect(high >= 0.95)
        #expect(high > low, "nprobe must reach every shard (\(low) → \(high))")
    }

    @Test func mismatchedShardsAreRejected() throws {
        #expect(throws: FaissError.invalidArgument("shard count must be positive, got 0")) {
            try ShardedIndex(dimension: 16, shardCount: 0)
        }
        #expect(throws: FaissError.self) { try ShardedIndex(shards: []) }
        #expect(throws: FaissError.dimensionMismatch(expected: 16, actual: 8)) {
            try ShardedIndex(shards: [Index(dimension: 16), Index(dimension: 8)])
        }
        #expect(throws: FaissError.invalidArgument("shard 1 uses l2, shard 0 inner_product")) {
            try ShardedIndex(shards: [Index(dimension: 16), Index(dimension: 16, metric: .l2)])
        }
        let shard = try Index(dimension: 16)
        #expect(throws: FaissError.self) { try ShardedIndex(shards: [shard, shard]) }
        try shard.add(vectors: [Float](repeating: 0.25, count: 16), ids: [1])
        #expect(throws: FaissError.invalidArgument("shard 0 holds id 1, which belongs in shard 1")) {
            try ShardedIndex(shards: [shard, Index(dimension: 16)])
        }
        #expect(try ShardedIndex(shards: [Index(dimension: 16), shard]).count == 1)

        let sharded = try ShardedIndex(dimension: 32, shardCount: 2)
        #expect(throws: FaissError.dimensionMismatch(expected: 32, actual: 31)) {
            try sharded.search([Float](repeating: 0, count: 31), k: 1)
        }
        #expect(throws: FaissError.invalidArgument("k must be positive, got 0")) { try sharded.search(Self.queries, k: 0) }
        #expect(throws: FaissError.dimensionMismatch(expected: 32, actual: 16)) {
            try sharded.add(Matrix(rows: 1, columns: 16, storage: [Float](repeating: 0, count: 16)), ids: [1])
        }
    }

    /// FAISS runs one thread per call, as in the server: the shards' threads
    /// come from `ShardedIndex` itself, under many searching threads at once.
    @Test func parallelSearchesAgreeWithOneIndex() throws {
        FaissRuntime.threadCount = 1
        let (single, sharded) = try flatPair(shardCount: 4, rows: Array(0..<Self.base.rows), ids: Self.ids)
        let expected = try (0..<Self.queries.rows).map { try single.search(Array(Self.queries[$0]), k: 10) }
        let mismatches = Mutex<[String]>([])
        let searches = Atomic<Int>(0)
        ConcurrencyTests.onThreads(8) { thread in
            var generator = SeededGenerator(seed: UInt64(thread) + 500)
            for _ in 0..<100 {
                let query = Int.random(in: 0..<Self.queries.rows, using: &generator)
                do {
                    let hits = try sharded.search(Array(Self.queries[query]), k: 10)
                    searches.add(1, ordering: .relaxed)
                    if hits != expected[query] { mismatches.withLock { $0.append("query \(query): \(hits.map(\.id))") } }
                } catch {
                    mismatches.withLock { $0.append("query \(query): \(error)") }
                }
            }
        }
        let problems = mismatches.withLock { $0 }
        #expect(problems.isEmpty, "first problems: \(problems.prefix(3))")
        #expect(searches.load(ordering: .relaxed) == 800)
    }
}
