import Faiss
import Foundation
import Testing

/// Bad input throws a `FaissError`; nothing crashes.
@Suite struct ErrorTests {
    let vectors = SyntheticVectors.clustered(count: 100, dimension: 16, seed: 41)

    func flat() throws -> Index {
        let index = try Index(dimension: 16)
        try index.add(vectors, ids: (0..<100).map { Int64($0) })
        return index
    }

    @Test func unknownFactoryString() {
        #expect(throws: FaissError.self) { try Index(dimension: 16, factory: "NoSuchIndex42") }
        #expect(throws: FaissError.invalidArgument("dimension must be positive, got 0")) { try Index(dimension: 0) }
        #expect(throws: FaissError.self) { try Index(dimension: 16, factory: "IDMap2,Flat") }
    }

    @Test func wrongDimension() throws {
        let index = try flat()
        #expect(throws: FaissError.dimensionMismatch(expected: 16, actual: 15)) {
            try index.search([Float](repeating: 0, count: 15), k: 1)
        }
        let wide = try Matrix(rows: 1, columns: 17, storage: [Float](repeating: 0, count: 17))
        #expect(throws: FaissError.dimensionMismatch(expected: 16, actual: 17)) { try index.add(wide, ids: [500]) }
        #expect(throws: FaissError.dimensionMismatch(expected: 16, actual: 17)) { try index.search(wide, k: 1) }
        #expect(throws: FaissError.dimensionMismatch(expected: 16, actual: 17)) { try index.train(wide) }
        #expect(throws: FaissError.self) { try index.add(vectors: [Float](repeating: 0, count: 20), ids: [1]) }
        #expect(throws: FaissError.self) { try Matrix(rows: 2, columns: 3, storage: [1, 2, 3]) }
    }

    @Test func invalidSearchArguments() throws {
        let index = try flat()
        let query = Array(vectors[0])
        #expect(throws: FaissError.invalidArgument("k must be positive, got 0")) { try index.search(query, k: 0) }
        #expect(throws: FaissError.self) { try index.search(query, k: -3) }
        #expect(throws: FaissError.self) { try index.search(query, k: 1, parameters: .init(nprobe: 0)) }
        #expect(throws: FaissError.self) { try index.search(query, k: 1, parameters: .init(efSearch: -1)) }
        #expect(throws: FaissError.self) { try index.setSearchDefaults(nprobe: 4) }
    }

    @Test func addingToAnUntrainedIndex() throws {
        let index = try Index(dimension: 16, factory: "IVF8,Flat")
        #expect(!index.isTrained)
        #expect(throws: FaissError.self) { try index.add(vectors, ids: (0..<100).map { Int64($0) }) }
        #expect(index.count == 0)
    }

    @Test func duplicateAndNegativeIDs() throws {
        for factory in ["Flat", "HNSW16,Flat", "IVF4,Flat"] {
            let index = try Index(dimension: 16, factory: factory)
            try index.train(vectors)
            try index.add(vectors.rows(0..<10), ids: Array(0..<10))
            #expect(throws: FaissError.self, "\(factory)") { try index.add(vectors.rows(10..<11), ids: [3]) }
            #expect(throws: FaissError.self, "\(factory)") { try index.add(vectors.rows(10..<12), ids: [50, 50]) }
            #expect(throws: FaissError.self, "\(factory)") { try index.add(vectors.rows(10..<11), ids: [-2]) }
            #expect(index.count == 10, "\(factory): a rejected batch adds nothing")
        }
    }

    @Test func unknownIDs() throws {
        let index = try flat()
        #expect(throws: FaissError.self) { try index.reconstruct(id: 12345) }
        #expect(try index.remove(ids: [12345]) == 0)
        #expect(index.count == 100)
    }

    @Test func unreadableFiles() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/quarry/index.faiss")
        #expect(throws: FaissError.self) { try Index(contentsOf: missing) }
        #expect(throws: FaissError.self) { try flat().write(to: missing) }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-faiss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let garbage = folder.appendingPathComponent("garbage.faiss")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: garbage)
        #expect(throws: FaissError.self) { try Index(contentsOf: garbage) }

        let truncated = folder.appendingPathComponent("truncated.faiss")
        try flat().write(to: truncated)
        let bytes = try Data(contentsOf: truncated)
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        #expect(throws: FaissError.self) { try Index(contentsOf: truncated) }
    }

    @Test func mergeMismatches() throws {
        let index = try flat()
        #expect(throws: FaissError.dimensionMismatch(expected: 16, actual: 8)) { try index.merge(from: try Index(dimension: 8)) }
        #expect(throws: FaissError.self) { try index.merge(from: index) }
        #expect(throws: FaissError.self) { try index.merge(from: try Index(dimension: 16, metric: .l2)) }
    }

    @Test func errorsCarryFaissMessages() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-index-\(UUID().uuidString).faiss")
        let error = #expect(throws: FaissError.self) { try Index(contentsOf: missing) }
        guard case .native(let operation, let message)? = error else {
            Issue.record("expected a native FAISS error, got \(String(describing: error))")
            return
        }
        #expect(operation.contains(missing.lastPathComponent))
        #expect(!message.isEmpty)
    }

    @Test func unknownFactoriesAreRefusedBeforeFAISSSeesThem() {
        #expect(
            throws: FaissError.invalidFactory(
                "NoSuchIndex42", reason: "unsupported index type \"NoSuchIndex42\" (use Flat, HNSW, IVF, PQ or SQ)"
            )
        ) { try Index(dimension: 16, factory: "NoSuchIndex42") }
    }
}
