import Foundation
import Logging
import Synchronization
import Testing

@testable import QuarryCore

/// Searches running while images are added, deleted and the index is rebuilt
/// and swapped: every hit must be a stored image whose stored vector gives the
/// reported score (no id ever points at another item's vector).
@Suite struct LiveUpdateStressTests {
    /// Shared between the writer and the searchers.
    final class Progress: Sendable {
        let writing = Atomic(true)
        let searches = Atomic(0)
    }

    static func input(_ seed: Int) throws -> ImageInput {
        ImageInput(path: "\(seed).png", data: try TestImages.png(seed: UInt64(seed)), title: "item \(seed)")
    }

    @Test func searchesStayConsistentDuringAddsDeletesAndReindexing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try ImageCollection.create(
            name: "stress", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", logger: Logger(label: "test")
        )
        _ = try collection.add((0..<150).map(Self.input))
        let queries = try (0..<20).map { try collection.queryVector(imageData: TestImages.png(seed: UInt64(1_000 + $0))) }
        let progress = Progress()

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { progress.writing.store(false, ordering: .releasing) }
                var next = 150
                for round in 0..<12 {
                    _ = try collection.add((next..<next + 10).map(Self.input))
                    next += 10
                    let ids = try collection.store.allIDs()
                    try collection.delete(ids: Array(ids.prefix(5)))
                    if round % 4 == 3 { try collection.reindex(factory: round % 8 == 3 ? "HNSW16,Flat" : "IVF4,Flat") }
                }
            }
            for worker in 0..<3 {
                group.addTask {
                    var round = 0
                    while progress.writing.load(ordering: .acquiring) || round < 5 {
                        let query = queries[(worker * 7 + round) % queries.count]
                        let result = try collection.search(ImageSearchRequest(vector: query, topK: 8, nprobe: 4))
                        for hit in result.hits {
                            #expect(hit.image.title == "item \(hit.image.path.dropLast(4))")
                            guard let stored = try collection.store.vector(id: hit.image.id) else { continue }
                            let dot = zip(stored, query).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                            #expect(abs(Double(dot) - hit.score) < 1e-3, "id \(hit.image.id)")
                        }
                        round += 1
                        progress.searches.add(1, ordering: .relaxed)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(progress.searches.load(ordering: .relaxed) >= 15)
        #expect(collection.index.count == (try collection.store.imageCount()))
        #expect(collection.index.count == 150 + 120 - 60)
    }

    @Test func writesAndReindexesAtTheSameTimeNeitherDuplicateNorLoseVectors() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try ImageCollection.create(
            name: "race", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", factory: "Flat", logger: Logger(label: "test")
        )
        _ = try collection.add((0..<50).map(Self.input))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for seed in 50..<110 { _ = try collection.add([Self.input(seed)]) }
            }
            group.addTask {
                for round in 0..<12 { try collection.reindex(factory: round % 2 == 0 ? "IVF2,Flat" : "Flat") }
            }
            try await group.waitForAll()
        }
        #expect(collection.index.count == 110)
        #expect(try collection.store.imageCount() == 110)
        #expect(Set(try collection.index.current.ids()) == Set(try collection.store.allIDs()))
    }
}
