import Faiss
import Foundation

/// Measures how an IVF image collection trades recall for speed as nprobe
/// grows, against an exact search of the same vectors, and picks the smallest
/// nprobe that reaches a target recall.
public struct NprobeTuner: Sendable {
    /// Stored vectors used as queries for the sweep.
    public var queries: Int
    /// Neighbours compared per query (recall@k and precision@k).
    public var k: Int
    public var targetRecall: Double
    /// Most stored items used as leave-one-out queries for category precision (all when fewer).
    public var precisionQueries: Int
    /// Seed of the query sample.
    public var seed: UInt64

    /// Why a collection cannot be tuned.
    public enum TuneError: Error, CustomStringConvertible, Sendable {
        case notIVF(collection: String, factory: String)
        case tooSmall(collection: String, images: Int)

        public var description: String {
            switch self {
            case .notIVF(let collection, let factory):
                "collection \(collection) uses a \(factory) index, which has no nprobe (IVF starts at \(ImageCollection.flatLimit) images)"
            case .tooSmall(let collection, let images):
                "collection \(collection) has \(images) images; at least 2 are needed"
            }
        }
    }

    public init(queries: Int = 500, k: Int = 10, targetRecall: Double = 0.95, precisionQueries: Int = 10_000, seed: UInt64 = 7) {
        self.queries = queries
        self.k = k
        self.targetRecall = targetRecall
        self.precisionQueries = precisionQueries
        self.seed = seed
    }

    /// Runs the study on `collection` (which keeps serving); `progress` receives one line per step.
    public func study(_ collection: ImageCollection, machine: String, progress: (String) -> Void = { _ in }) throws -> NprobeStudy {
        let index = collection.index.current
        guard let nlist = index.nlist else {
            throw TuneError.notIVF(collection: collection.name, factory: collection.index.factory)
        }
        progress("loading \(index.count) stored vectors")
        var ids: [Int64] = []
        var vectors: [Float] = []
        try collection.store.forEachVectorBatch(ids: nil, batchSize: 4_096) { batchIDs, batch in
            ids += batchIDs
            vectors += batch
        }
        guard ids.count >= 2 else { throw TuneError.tooSmall(collection: collection.name, images: ids.count) }
        let dimension = collection.configuration.dimension
        let exactIndex = try Index(dimension: dimension, factory: "Flat", metric: collection.configuration.metric)
        try exactIndex.add(vectors: vectors, ids: ids)

        var generator = SplitMix64(seed: seed)
        let sample = Array(ids.indices.shuffled(using: &generator).prefix(queries))
        let queryVectors = sample.map { Array(vectors[$0 * dimension..<($0 + 1) * dimension]) }

        progress("exact search of \(sample.count) queries")
        let (truth, exactTimes) = try timedSearches(exactIndex, queryVectors, parameters: .default)
        let exact = NprobeStudy.Measurement(
            nprobe: 0, recall: 1, meanMilliseconds: mean(exactTimes), p95Milliseconds: percentile(exactTimes.sorted(), 0.95)
        )
        var measurements: [NprobeStudy.Measurement] = []
        for nprobe in Self.sweep(nlist: nlist) {
            let (found, times) = try timedSearches(index, queryVectors, parameters: SearchParameters(nprobe: nprobe))
            let recall = mean(zip(found, truth).map { Double(Set($0).intersection($1).count) / Double(max($1.count, 1)) })
            measurements.append(
                .init(
                    nprobe: nprobe, recall: recall, meanMilliseconds: mean(times), p95Milliseconds: percentile(times.sorted(), 0.95)
                ))
            progress("nprobe \(nprobe): recall@\(k) \(String(format: "%.3f", recall)), mean \(String(format: "%.2f", mean(times))) ms")
        }
        let chosen = measurements.first { $0.recall >= targetRecall }?.nprobe

        let precisionNprobe = chosen ?? nlist
        progress("leave-one-out category precision@\(k) (Flat and IVF at nprobe \(precisionNprobe))")
        let categories = try collection.store.categoriesByID()
        let looSample =
            ids.count <= precisionQueries
            ? Array(ids.indices) : Array(ids.indices.shuffled(using: &generator).prefix(precisionQueries))
        let looQueries = try Matrix(
            rows: looSample.count, columns: dimension,
            storage: looSample.flatMap { vectors[$0 * dimension..<($0 + 1) * dimension] }
        )
        let looIDs = looSample.map { ids[$0] }
        let flatPrecision = try categoryPrecision(exactIndex, looQueries, ids: looIDs, categories: categories, parameters: .default)
        let ivfPrecision = try categoryPrecision(
            index, looQueries, ids: looIDs, categories: categories, parameters: SearchParameters(nprobe: precisionNprobe)
        )
        return NprobeStudy(
            collection: collection.name, factory: collection.index.factory, nlist: nlist, vectors: ids.count,
            queries: sample.count, k: k, targetRecall: targetRecall, exact: exact, measurements: measurements,
            chosenNprobe: chosen,
            categoryPrecision: .init(queries: looIDs.count, k: k, flat: flatPrecision, ivf: ivfPrecision, nprobe: precisionNprobe),
            machine: machine, date: Date()
        )
    }

    /// nprobe values swept: 1, 2, 4, … up to and including `nlist`.
    static func sweep(nlist: Int) -> [Int] {
        var values: [Int] = []
        var nprobe = 1
        while nprobe < nlist {
            values.append(nprobe)
            nprobe *= 2
        }
        return values + [nlist]
    }

    /// One search per query, timed; returns the result ids and the milliseconds of each.
    private func timedSearches(_ index: Index, _ queries: [[Float]], parameters: SearchParameters) throws -> ([[Int64]], [Double]) {
        var results: [[Int64]] = []
        var times: [Double] = []
        for query in queries {
            let start = Stopwatch()
            let neighbors = try index.search(query, k: k, parameters: parameters)
            times.append(start.milliseconds)
            results.append(neighbors.map(\.id))
        }
        return (results, times)
    }

    /// Mean fraction of each query's `k` nearest other items that share its category.
    private func categoryPrecision(
        _ index: Index, _ queries: Matrix, ids: [Int64], categories: [Int64: String], parameters: SearchParameters
    ) throws -> Double {
        var total = 0.0
        let batch = 1_000
        for start in stride(from: 0, to: ids.count, by: batch) {
            let end = min(start + batch, ids.count)
            let slice = try Matrix(
                rows: end - start, columns: queries.columns,
                storage: Array(queries.storage[start * queries.columns..<end * queries.columns])
            )
            let results = try index.search(slice, k: k + 1, parameters: parameters)
            for row in 0..<(end - start) {
                let queryID = ids[start + row]
                let others = results[row].filter { $0.id != queryID }.prefix(k)
                let same = others.filter { categories[$0.id] == categories[queryID] }.count
                total += Double(same) / Double(k)
            }
        }
        return total / Double(ids.count)
    }
}
