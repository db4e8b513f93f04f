/// Synthetic unit vectors clustered like real passage embeddings.
///
/// Real embeddings are neither uniform on the sphere nor isotropic around their
/// topics: they vary along few directions, the same ones the corpus as a whole
/// varies along. The generator keeps that shape by drawing every offset from the
/// seeds' own covariance — a Gaussian mix of `mixing` centred seed vectors — plus
/// a small isotropic floor:
///
///     spread      = RMS distance of the seeds from their mean
///     offset(a)   = a · spread · Σⱼ gⱼ (s_rⱼ − mean) / (spread √mixing)   (gⱼ ~ N(0,1), rⱼ random seeds)
///     sub-centre  = normalise(seed + offset(subClusterScale))               (`subClusters` per seed)
///     point       = normalise(sub-centre + offset(a) + floor · spread · z/√d), a ∈ pointScales
///
/// so each passage becomes a topic of `subClusters` sub-topics whose points lie at
/// a few different distances from their sub-topic (close paraphrases to loose ones).
/// Base points and queries come from separate random streams of the same seed.
struct ClusteredGenerator {
    /// Tunable shape of the data; recorded in `meta.json`.
    ///
    /// The defaults give, at 1,000,000 vectors, a mean similarity of a query to its
    /// 1st / 10th exact neighbour of about 0.96 / 0.95 and to a random vector of about
    /// 0.78 (the 1,616 easy-vecdb passages themselves: 0.97 / 0.94 among each other,
    /// 0.88 at random). Tighter noise (point scales 0.1–0.4) made the 10 nearest
    /// neighbours near-duplicates (0.995) that IVF found at nprobe 1 with recall 0.99.
    struct Shape: Codable, Equatable {
        var subClusters = 4
        var subClusterScale: Float = 0.5
        var pointScales: [Float] = [0.5, 0.8, 1.2]
        var isotropicFloor: Float = 0.1
        var mixing = 8
    }

    let shape: Shape
    let seed: UInt64
    let dimension: Int
    /// Seeds minus their mean, divided by `spread · √mixing`.
    private let directions: [Float]
    private let directionCount: Int
    private let spread: Float
    /// `seeds × subClusters` unit vectors.
    private let centres: [Float]

    init(seeds: SeedVectors, shape: Shape = Shape(), seed: UInt64) {
        let dimension = seeds.dimension
        let count = seeds.count
        var normalised = seeds.values
        for row in 0..<count { Self.normalise(&normalised, row: row, dimension: dimension) }

        var mean = [Float](repeating: 0, count: dimension)
        for row in 0..<count {
            for c in 0..<dimension { mean[c] += normalised[row * dimension + c] / Float(count) }
        }
        var squares: Float = 0
        var directions = normalised
        for row in 0..<count {
            for c in 0..<dimension {
                directions[row * dimension + c] -= mean[c]
                squares += directions[row * dimension + c] * directions[row * dimension + c]
            }
        }
        let spread = (squares / Float(count)).squareRoot()
        let scale = 1 / (spread * Float(shape.mixing).squareRoot())
        for i in directions.indices { directions[i] *= scale }

        self.shape = shape
        self.seed = seed
        self.dimension = dimension
        self.directions = directions
        self.directionCount = count
        self.spread = spread

        var random = SplitMix64(seed: seed, stream: 0)
        var centres = [Float](repeating: 0, count: count * shape.subClusters * dimension)
        for row in 0..<count {
            for sub in 0..<shape.subClusters {
                let target = (row * shape.subClusters + sub) * dimension
                for c in 0..<dimension { centres[target + c] = normalised[row * dimension + c] }
                Self.addOffset(to: &centres, at: target, scale: shape.subClusterScale * spread,
                               directions: directions, directionCount: count, dimension: dimension,
                               mixing: shape.mixing, random: &random)
                Self.normalise(&centres, row: row * shape.subClusters + sub, dimension: dimension)
            }
        }
        self.centres = centres
    }

    /// `count` unit vectors (row after row) from random stream `stream`.
    func vectors(count: Int, stream: UInt64) -> [Float] {
        var random = SplitMix64(seed: seed, stream: stream)
        let centreCount = centres.count / dimension
        let floor = shape.isotropicFloor * spread / Float(dimension).squareRoot()
        var output = [Float](repeating: 0, count: count * dimension)
        for row in 0..<count {
            let target = row * dimension
            let centre = random.below(centreCount) * dimension
            let scale = shape.pointScales[random.below(shape.pointScales.count)] * spread
            for c in 0..<dimension { output[target + c] = centres[centre + c] + floor * random.gaussian() }
            Self.addOffset(to: &output, at: target, scale: scale, directions: directions,
                           directionCount: directionCount, dimension: dimension, mixing: shape.mixing, random: &random)
            Self.normalise(&output, row: row, dimension: dimension)
        }
        return output
    }

    /// Adds `scale` times a random mix of `mixing` seed directions to the vector at `start`.
    private static func addOffset(
        to vectors: inout [Float], at start: Int, scale: Float, directions: [Float], directionCount: Int,
        dimension: Int, mixing: Int, random: inout SplitMix64
    ) {
        for _ in 0..<mixing {
            let weight = scale * random.gaussian()
            let source = random.below(directionCount) * dimension
            for c in 0..<dimension { vectors[start + c] += weight * directions[source + c] }
        }
    }

    private static func normalise(_ vectors: inout [Float], row: Int, dimension: Int) {
        let range = (row * dimension)..<((row + 1) * dimension)
        var squares: Float = 0
        for i in range { squares += vectors[i] * vectors[i] }
        let inverse = 1 / max(squares.squareRoot(), .leastNormalMagnitude)
        for i in range { vectors[i] *= inverse }
    }
}
