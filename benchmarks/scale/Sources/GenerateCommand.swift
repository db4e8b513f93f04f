import Foundation

/// `generate`: writes base.f32, queries.f32 and meta.json of a data set around
/// the seed vectors, unless meta.json already describes the same data.
struct GenerateCommand {
    let seedsURL: URL
    let dataSet: DataSet
    let vectors: Int
    let queries: Int
    let seed: UInt64

    func run() throws {
        let seeds = try SeedVectors(hexDump: seedsURL)
        let shape = ClusteredGenerator.Shape()
        let meta = DataSet.Meta(
            vectors: vectors, queries: queries, dimension: seeds.dimension, seed: seed,
            seedVectors: seeds.count, seedChecksum: seeds.checksum, shape: shape, k: TruthCommand.k
        )
        // meta.json is written last, so finding it means the vectors are complete.
        if let existing = try? dataSet.meta(), existing.matchesData(of: meta) {
            log("data in \(dataSet.folder.path) is up to date")
            return
        }
        // New data invalidates everything derived from the old.
        try? FileManager.default.removeItem(at: dataSet.folder)
        try FileManager.default.createDirectory(at: dataSet.folder, withIntermediateDirectories: true)

        let generator = ClusteredGenerator(seeds: seeds, shape: shape, seed: seed)
        log("generating \(vectors) + \(queries) vectors of dimension \(seeds.dimension) around \(seeds.count) seeds")
        let elapsed = try seconds {
            try RawFiles.write(generator.vectors(count: vectors, stream: 1), to: dataSet.baseURL)
            try RawFiles.write(generator.vectors(count: queries, stream: 2), to: dataSet.queriesURL)
        }
        try dataSet.write(meta)
        log(String(format: "generated in %.1f s", elapsed))
    }
}

extension DataSet.Meta {
    /// Whether two descriptions generate the same vectors (statistics aside).
    func matchesData(of other: Self) -> Bool {
        vectors == other.vectors && queries == other.queries && dimension == other.dimension
            && seed == other.seed && seedVectors == other.seedVectors && seedChecksum == other.seedChecksum
            && shape == other.shape
    }
}
