import Faiss
import Foundation

/// `build`: trains (when needed) and fills one index with every base vector,
/// ids 0..<vectors, using every core, and writes it with its build record.
/// An index already written for this data set is kept (delete the file to rebuild).
struct BuildCommand {
    /// What `indexes/<slug>.json` holds.
    struct Record: Codable {
        var factory: String
        var vectors: Int
        var trainingVectors: Int
        var trainSeconds: Double
        var addSeconds: Double
        var threads: Int
        var faiss: String
        var buildSeconds: Double { trainSeconds + addSeconds }
    }

    let dataSet: DataSet
    let spec: IndexSpec
    /// Vectors the IVF indexes train on, sampled without replacement (0: all of them,
    /// which FAISS itself then subsamples to 256 per list).
    let trainingVectors: Int

    /// Vectors added per call, so that a long build reports progress.
    private let batch = 100_000

    func run() throws {
        let indexURL = dataSet.indexURL(spec)
        if FileManager.default.fileExists(atPath: indexURL.path),
           FileManager.default.fileExists(atPath: dataSet.buildRecordURL(spec).path) {
            log("\(spec.title): \(indexURL.lastPathComponent) already built")
            return
        }
        let meta = try dataSet.meta()
        let base = try dataSet.base()
        let threads = ProcessInfo.processInfo.activeProcessorCount
        FaissRuntime.threadCount = threads
        let index = try spec.makeIndex(dimension: meta.dimension)

        var training = 0
        let trainSeconds = try seconds {
            guard spec.trains else { return }
            let sample = try trainingSample(base, meta: meta)
            training = sample.rows
            log("\(spec.title): training on \(sample.rows) vectors")
            try index.train(sample)
        }
        let addSeconds = try seconds {
            for start in stride(from: 0, to: meta.vectors, by: batch) {
                let end = min(start + batch, meta.vectors)
                let rows = Array(base[(start * meta.dimension)..<(end * meta.dimension)])
                try index.add(vectors: rows, ids: (Int64(start)..<Int64(end)).map { $0 })
                log("\(spec.title): added \(end) of \(meta.vectors)")
            }
        }
        try FileManager.default.createDirectory(at: dataSet.indexFolder, withIntermediateDirectories: true)
        try index.write(to: indexURL)
        let record = Record(
            factory: spec.title, vectors: meta.vectors, trainingVectors: training,
            trainSeconds: trainSeconds, addSeconds: addSeconds, threads: threads, faiss: FaissRuntime.buildInfo
        )
        try JSONCoding.encoder.encode(record).write(to: dataSet.buildRecordURL(spec), options: .atomic)
        log(String(format: "%@: built in %.1f s (train %.1f s, add %.1f s)",
                   spec.title, record.buildSeconds, trainSeconds, addSeconds))
    }

    /// A seeded sample of `trainingVectors` base rows (all rows when 0 or larger than the base).
    private func trainingSample(_ base: [Float], meta: DataSet.Meta) throws -> Matrix {
        let count = trainingVectors <= 0 ? meta.vectors : min(trainingVectors, meta.vectors)
        var rows = Array(0..<meta.vectors)
        var random = SplitMix64(seed: meta.seed, stream: 4)
        for i in 0..<count { rows.swapAt(i, i + random.below(meta.vectors - i)) }
        var storage: [Float] = []
        storage.reserveCapacity(count * meta.dimension)
        for row in rows.prefix(count).sorted() {
            storage.append(contentsOf: base[(row * meta.dimension)..<((row + 1) * meta.dimension)])
        }
        return try Matrix(rows: count, columns: meta.dimension, storage: storage)
    }
}
