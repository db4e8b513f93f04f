import Foundation
import Logging
import Testing

@testable import QuarryCore

@Suite struct NprobeTunerTests {
    @Test func sweepReachesFullRecallAtNlistAndPicksTheSmallestGoodNprobe() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try ImageCollection.create(
            name: "tune", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", logger: Logger(label: "test")
        )
        _ = try collection.add(
            (0..<240).map { seed in
                ImageInput(path: "\(seed).png", data: try TestImages.png(seed: UInt64(seed)), category: seed % 3 == 0 ? "a" : "b")
            })
        #expect(throws: NprobeTuner.TuneError.self) { try NprobeTuner().study(collection, machine: "test") }
        try collection.adaptIndexType(flatLimit: 100)
        let study = try NprobeTuner(queries: 60, targetRecall: 0.9).study(collection, machine: "test")
        #expect(study.nlist == 6 && study.vectors == 240 && study.queries == 60)
        #expect(study.measurements.map(\.nprobe) == [1, 2, 4, 6])
        #expect(study.measurements.last?.recall == 1)
        let chosen = try #require(study.chosenNprobe)
        #expect(study.measurements.first { $0.nprobe == chosen }!.recall >= 0.9)
        #expect(study.measurements.filter { $0.nprobe < chosen }.allSatisfy { $0.recall < 0.9 })
        let precision = try #require(study.categoryPrecision)
        #expect(precision.queries == 240 && precision.nprobe == chosen)
        #expect((0...1).contains(precision.flat) && (0...1).contains(precision.ivf))
    }
}
