import Faiss
import Testing

@Suite struct FlatExactnessTests {
    static let data = SyntheticVectors.clustered(count: 2_050, dimension: 32, seed: 1)
    let base = Self.data.rows(0..<2_000)
    let queries = Self.data.rows(2_000..<2_050)

    @Test(arguments: Metric.allCases)
    func flatMatchesBruteForce(metric: Metric) throws {
        let index = try Index(dimension: 32, factory: "Flat", metric: metric)
        try index.add(base, ids: (0..<Int64(base.rows)).map { $0 })
        let results = try index.search(queries, k: 10)
        let truth = BruteForce.search(base: base, queries: queries, k: 10, metric: metric)
        for q in 0..<queries.rows {
            #expect(results[q].map(\.id) == truth[q].map(\.id), "query \(q)")
            for (found, expected) in zip(results[q], truth[q]) {
                #expect(abs(found.distance - expected.distance) < 1e-4)
            }
        }
    }

    @Test func singleQueryMatchesBatch() throws {
        let index = try Index(dimension: 32)
        try index.add(base, ids: (0..<Int64(base.rows)).map { $0 * 3 + 7 })
        let batch = try index.search(queries, k: 5)
        for q in 0..<queries.rows {
            let single = try index.search(Array(queries[q]), k: 5)
            #expect(single.map(\.id) == batch[q].map(\.id))
            for (a, b) in zip(single, batch[q]) { #expect(abs(a.distance - b.distance) < 1e-5) }
        }
    }

    @Test func idsAreTheCallersIDs() throws {
        let index = try Index(dimension: 32)
        let ids: [Int64] = (0..<Int64(base.rows)).map { 1_000_000_000_000 + $0 * 17 }
        try index.add(base, ids: ids)
        let hit = try index.search(Array(base[123]), k: 1)
        #expect(hit.first?.id == ids[123])
        #expect(try index.reconstruct(id: ids[123]) == Array(base[123]))
        #expect(try index.ids() == ids)
    }

    @Test func fewerVectorsThanKGivesShorterLists() throws {
        let index = try Index(dimension: 32)
        try index.add(base.rows(0..<3), ids: [10, 20, 30])
        let hits = try index.search(Array(queries[0]), k: 10)
        #expect(Set(hits.map(\.id)) == [10, 20, 30])
        let empty = try Index(dimension: 32)
        #expect(try empty.search(Array(queries[0]), k: 10).isEmpty)
    }

    @Test func rangeSearchMatchesBruteForce() throws {
        let index = try Index(dimension: 32)
        try index.add(base, ids: (0..<Int64(base.rows)).map { $0 })
        let radius: Float = 0.6
        let found = try index.rangeSearch(queries.rows(0..<5), radius: radius)
        for q in 0..<5 {
            let expected = (0..<base.rows).filter { BruteForce.dot(queries[q], base[$0]) > radius }
            #expect(Set(found[q].map(\.id)) == Set(expected.map(Int64.init)))
        }
    }
}
