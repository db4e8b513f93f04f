import Faiss
import Foundation

/// A small deterministic generator (SplitMix64), so every test run sees the same data.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller).
    mutating func gaussian() -> Float {
        let u1 = max(Double.random(in: 0..<1, using: &self), 1e-12)
        let u2 = Double.random(in: 0..<1, using: &self)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
}

/// Clustered unit vectors that look like real embeddings to an index:
/// points scattered around random centres on the sphere.
enum SyntheticVectors {
    /// Each cluster spreads along a few directions of its own plus a little
    /// isotropic noise, giving data of low intrinsic dimension, as text and
    /// image embeddings have.
    static func clustered(count: Int, dimension: Int, clusters: Int = 64, spread: Float = 0.5, seed: UInt64) -> Matrix {
        let directionsPerCluster = 8
        var generator = SeededGenerator(seed: seed)
        let gaussianVector = { (generator: inout SeededGenerator) in (0..<dimension).map { _ in generator.gaussian() } }
        let centres = (0..<clusters).map { _ in normalized(gaussianVector(&generator)) }
        let directions = (0..<clusters).map { _ in (0..<directionsPerCluster).map { _ in normalized(gaussianVector(&generator)) } }
        var storage: [Float] = []
        storage.reserveCapacity(count * dimension)
        for _ in 0..<count {
            let cluster = Int.random(in: 0..<clusters, using: &generator)
            var point = centres[cluster]
            for direction in directions[cluster] {
                let weight = generator.gaussian() * spread / Float(directionsPerCluster).squareRoot()
                for i in 0..<dimension { point[i] += weight * direction[i] }
            }
            for i in 0..<dimension { point[i] += generator.gaussian() * 0.05 / Float(dimension).squareRoot() }
            storage.append(contentsOf: normalized(point))
        }
        return try! Matrix(rows: count, columns: dimension, storage: storage)
    }

    /// The vector a test assigns to `id`: a pure function of the id.
    static func vector(for id: Int64, dimension: Int) -> [Float] {
        var generator = SeededGenerator(seed: UInt64(bitPattern: id) &+ 0xA5A5)
        return normalized((0..<dimension).map { _ in generator.gaussian() })
    }

    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }
}

/// Exact nearest neighbours computed in Swift, the reference for FAISS's answers.
enum BruteForce {
    static func dot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    static func l2(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    /// The k best (id, distance) pairs of each query; ids are row numbers of `base`.
    static func search(base: Matrix, queries: Matrix, k: Int, metric: Metric) -> [[Neighbor]] {
        (0..<queries.rows).map { q in
            let scored = (0..<base.rows).map { row in
                let distance = metric == .innerProduct ? dot(queries[q], base[row]) : l2(queries[q], base[row])
                return Neighbor(id: Int64(row), distance: distance)
            }
            let sorted = scored.sorted {
                metric == .innerProduct ? $0.distance > $1.distance : $0.distance < $1.distance
            }
            return Array(sorted.prefix(k))
        }
    }

    /// Mean fraction of the true top-k found in each result list.
    static func recall(_ results: SearchResults, truth: [[Neighbor]]) -> Double {
        var found = 0
        var total = 0
        for (q, expected) in truth.enumerated() {
            let expectedIDs = Set(expected.map(\.id))
            found += results[q].filter { expectedIDs.contains($0.id) }.count
            total += expected.count
        }
        return Double(found) / Double(total)
    }
}

extension Matrix {
    /// Rows `range` as a new matrix.
    func rows(_ range: Range<Int>) -> Matrix {
        try! Matrix(rows: range.count, columns: columns, storage: Array(storage[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }
}
