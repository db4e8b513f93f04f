import Faiss
import Foundation
import Testing

@Suite struct PersistenceTests {
    static let data = SyntheticVectors.clustered(count: 3_020, dimension: 32, seed: 21)
    static let base = data.rows(0..<3_000)
    static let queries = data.rows(3_000..<3_020)
    static let factories = ["Flat", "HNSW32,Flat", "IVF32,Flat", "IVF32,PQ8", "IVF32,SQ8", "PCA16,IVF32,Flat", "PQ8"]

    func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("quarry-faiss-\(UUID().uuidString).index")
    }

    func build(_ factory: String) throws -> Index {
        let index = try Index(dimension: 32, factory: factory)
        try index.train(Self.base)
        try index.add(Self.base, ids: (0..<Int64(Self.base.rows)).map { $0 * 2 + 1 })
        return index
    }

    @Test(arguments: factories)
    func roundTripKeepsResults(factory: String) throws {
        let index = try build(factory)
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try index.write(to: url)
        let loaded = try Index(contentsOf: url)
        #expect(loaded.count == index.count)
        #expect(loaded.dimension == 32)
        #expect(loaded.metric == .innerProduct)
        #expect(try loaded.search(Self.queries, k: 10) == index.search(Self.queries, k: 10))
        let clone = try index.clone()
        #expect(try clone.search(Self.queries, k: 10) == index.search(Self.queries, k: 10))
    }

    @Test func removalsAndDefaultsSurviveReload() throws {
        for factory in ["Flat", "HNSW32,Flat", "IVF32,Flat"] {
            let index = try build(factory)
            try index.remove(ids: [1, 3, 5])
            if index.nlist != nil { try index.setSearchDefaults(nprobe: 7) }
            if index.isHNSW { try index.setSearchDefaults(efSearch: 77) }
            let url = temporaryFile()
            defer { try? FileManager.default.removeItem(at: url) }
            try index.write(to: url)
            let loaded = try Index(contentsOf: url)
            #expect(loaded.count == Self.base.rows - 3, "\(factory)")
            #expect(loaded.searchDefaults == index.searchDefaults, "\(factory)")
            let hits = try loaded.search(Self.queries, k: 20)
            #expect(hits.ids.allSatisfy { ![1, 3, 5].contains($0) }, "\(factory)")
        }
    }

    @Test func writeReplacesTheFileAndLeavesNoTemporaryFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-faiss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("index.faiss")
        let small = try Index(dimension: 32)
        try small.add(Self.base.rows(0..<10), ids: Array(0..<10))
        try small.write(to: url)
        try build("Flat").write(to: url)
        #expect(try Index(contentsOf: url).count == Self.base.rows)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["index.faiss"])
    }

    /// Kills a child process at random moments while it rewrites an index:
    /// the file must always hold one complete index, the old or the new one.
    @Test func crashDuringWriteLeavesACompleteIndex() throws {
        let executable = try #require(FaissBenchExecutable.url, "faiss-bench is built with the tests")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-faiss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("index.faiss")
        let old = try Index(dimension: 64)
        try old.add(try Matrix(columns: 64, storage: [Float](repeating: 0.5, count: 64 * 10)), ids: Array(0..<10))
        try old.write(to: url)

        var generator = SeededGenerator(seed: 31)
        for round in 0..<5 {
            let child = Process()
            child.executableURL = executable
            child.arguments = ["persist", url.path, "300000", "100"]
            let output = Pipe()
            child.standardOutput = output
            try child.run()
            // Wait until the child has built its index, then let it write for a while.
            _ = output.fileHandleForReading.availableData
            usleep(UInt32.random(in: 20_000...400_000, using: &generator))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            let survivor = try Index(contentsOf: url)
            #expect([10, 300_000].contains(survivor.count), "round \(round): \(survivor.count) vectors")
        }
    }
}

/// The benchmark executable built beside the test bundle.
enum FaissBenchExecutable {
    static var url: URL? {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("faiss-bench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }
}
