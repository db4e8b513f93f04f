import Faiss
import Testing

/// Approximate indexes against exact search on clustered data. The exact
/// answers come from a Flat index (itself checked against brute force in
/// `FlatExactnessTests`).
@Suite struct RecallTests {
    static let data = SyntheticVectors.clustered(count: 20_200, dimension: 64, clusters: 16, spread: 0.8, seed: 11)
    static let base = data.rows(0..<20_000)
    static let queries = data.rows(20_000..<20_200)
    static let truth: [[Neighbor]] = {
        let exact = try! Index(dimension: 64, factory: "Flat")
        try! exact.add(base, ids: (0..<Int64(base.rows)).map { $0 })
        return Array(try! exact.search(queries, k: 10))
    }()

    func build(_ factory: String) throws -> Index {
        let index = try Index(dimension: 64, factory: factory)
        try index.train(Self.base)
        try index.add(Self.base, ids: (0..<Int64(Self.base.rows)).map { $0 })
        return index
    }

    @Test func hnswReachesRecall() throws {
        let index = try build("HNSW32,Flat")
        let low = BruteForce.recall(try index.search(Self.queries, k: 10, parameters: .init(efSearch: 10)), truth: Self.truth)
        let high = BruteForce.recall(try index.search(Self.queries, k: 10, parameters: .init(efSearch: 128)), truth: Self.truth)
        #expect(high >= 0.95)
        #expect(high > low, "efSearch must change the search (\(low) → \(high))")
    }

    @Test func ivfReachesRecall() throws {
        let index = try build("IVF128,Flat")
        #expect(index.nlist == 128)
        let low = BruteForce.recall(try index.search(Self.queries, k: 10, parameters: .init(nprobe: 1)), truth: Self.truth)
        let high = BruteForce.recall(try index.search(Self.queries, k: 10, parameters: .init(nprobe: 32)), truth: Self.truth)
        #expect(high >= 0.95)
        #expect(high > low, "nprobe must change the search (\(low) → \(high))")
    }

    @Test func searchDefaultsApplyWhenParametersAreNil() throws {
        let index = try build("IVF128,Flat")
        try index.setSearchDefaults(nprobe: 32)
        #expect(index.searchDefaults.nprobe == 32)
        #expect(try index.search(Self.queries, k: 10) == index.search(Self.queries, k: 10, parameters: .init(nprobe: 32)))
    }
}
