import Faiss
import Testing

@Suite struct MutationTests {
    static let base = SyntheticVectors.clustered(count: 4_000, dimension: 32, seed: 51)

    func build(_ factory: String, rows: Range<Int>) throws -> Index {
        let index = try Index(dimension: 32, factory: factory)
        try index.train(Self.base)
        try index.add(Self.base.rows(rows), ids: rows.map { Int64($0) })
        return index
    }

    @Test(arguments: ["Flat", "HNSW32,Flat", "IVF32,Flat", "PCA16,IVF32,Flat", "IVF32,PQ8,RFlat"])
    func removedVectorsAreNeverReturned(factory: String) throws {
        let index = try build(factory, rows: 0..<4_000)
        let removed = (0..<4_000).filter { $0 % 3 == 0 }.map { Int64($0) }
        #expect(try index.remove(ids: removed + [999_999]) == removed.count)
        #expect(index.count == 4_000 - removed.count)
        let removedSet = Set(removed)
        let results = try index.search(Self.base.rows(0..<30), k: 10, parameters: .init(nprobe: 32, efSearch: 64))
        #expect(results.ids.allSatisfy { $0 >= 0 && !removedSet.contains($0) })
        #expect(results.allSatisfy { $0.count == 10 })
        #expect(Set(try index.ids()) == Set((0..<4_000).map { Int64($0) }).subtracting(removedSet))
        // A removed id can be added again, and is then found.
        try index.add(Self.base.rows(0..<1), ids: [0])
        #expect(try index.search(Array(Self.base[0]), k: 1, parameters: .init(nprobe: 32, efSearch: 64)).first?.id == 0)
    }

    @Test(arguments: ["Flat", "HNSW32,Flat", "IVF32,Flat", "IVF32,PQ8"])
    func mergeKeepsIDsAndLeavesTheSourceUnchanged(factory: String) throws {
        let target = try build(factory, rows: 0..<2_000)
        let source = try factory.hasPrefix("IVF") ? target.clone() : Index(dimension: 32, factory: factory)
        if factory.hasPrefix("IVF") { try source.remove(ids: (0..<2_000).map { Int64($0) }) }
        try source.add(Self.base.rows(2_000..<4_000), ids: (2_000..<4_000).map { Int64($0) })
        try target.merge(from: source)
        #expect(target.count == 4_000)
        #expect(source.count == 2_000)
        // PQ codes are approximate: the vector's own id must be among its nearest few.
        let hits = try target.search(Array(Self.base[3_210]), k: 10, parameters: .init(nprobe: 32, efSearch: 64))
        #expect(hits.contains { $0.id == 3_210 })
        #expect(throws: FaissError.self) { try target.merge(from: source) }
    }

    @Test func ivfMergeAcrossDifferentQuantizersFallsBackToReAdding() throws {
        let target = try build("IVF16,Flat", rows: 0..<2_000)
        let source = try Index(dimension: 32, factory: "IVF16,Flat")
        try source.train(Self.base.rows(2_000..<4_000))
        try source.add(Self.base.rows(2_000..<4_000), ids: (2_000..<4_000).map { Int64($0) })
        try target.merge(from: source)
        #expect(target.count == 4_000)
        #expect(try target.reconstruct(id: 2_500) == Array(Self.base[2_500]))
    }

    @Test func threadCountIsApplied() {
        let previous = FaissRuntime.threadCount
        defer { FaissRuntime.threadCount = previous }
        FaissRuntime.threadCount = 1
        #expect(FaissRuntime.threadCount == 1)
        #expect(!FaissRuntime.buildInfo.isEmpty)
    }
}
