import Foundation

/// One generated data set and what is derived from it, in one folder
/// (`benchmarks/scale/data/n<vectors>/`):
///
///     meta.json            shape, seed, generator settings, neighbour statistics
///     base.f32             vectors × dimension float32, ids are row numbers
///     queries.f32          queries × dimension float32 (held out: not in base.f32)
///     truth.i64            queries × k int64, exact inner-product neighbours (Flat)
///     indexes/<slug>.faiss an index written by Quarry's binding
///     indexes/<slug>.json  its build record
struct DataSet {
    let folder: URL

    var metaURL: URL { folder.appendingPathComponent("meta.json") }
    var baseURL: URL { folder.appendingPathComponent("base.f32") }
    var queriesURL: URL { folder.appendingPathComponent("queries.f32") }
    var truthURL: URL { folder.appendingPathComponent("truth.i64") }
    var indexFolder: URL { folder.appendingPathComponent("indexes") }

    func indexURL(_ spec: IndexSpec) -> URL {
        indexFolder.appendingPathComponent(spec.shards > 1 ? spec.slug : "\(spec.slug).faiss")
    }
    func buildRecordURL(_ spec: IndexSpec) -> URL { indexFolder.appendingPathComponent("\(spec.slug).json") }

    /// What `meta.json` holds.
    struct Meta: Codable {
        var vectors: Int
        var queries: Int
        var dimension: Int
        var seed: UInt64
        var seedVectors: Int
        /// FNV-1a of the seed vectors' bits: new seeds mean new data.
        var seedChecksum: UInt64
        var shape: ClusteredGenerator.Shape
        /// Neighbours per query in truth.i64.
        var k: Int
        /// Mean inner product of each query with its 1st and k-th exact neighbour,
        /// and with a random base vector (filled in by `truth`).
        var meanTop1: Double?
        var meanTopK: Double?
        var meanRandom: Double?
    }

    func meta() throws -> Meta {
        try JSONDecoder().decode(Meta.self, from: Data(contentsOf: metaURL))
    }

    func write(_ meta: Meta) throws {
        try JSONCoding.encoder.encode(meta).write(to: metaURL, options: .atomic)
    }

    /// The base vectors as one flat array.
    func base() throws -> [Float] { try RawFiles.read(baseURL) }

    /// The queries, each as its own array (the shape a single search takes).
    func queries(dimension: Int) throws -> [[Float]] {
        let values: [Float] = try RawFiles.read(queriesURL)
        return stride(from: 0, to: values.count, by: dimension).map { Array(values[$0..<($0 + dimension)]) }
    }

    /// The exact neighbours of each query.
    func truth(k: Int) throws -> [[Int64]] {
        let values: [Int64] = try RawFiles.read(truthURL)
        return stride(from: 0, to: values.count, by: k).map { Array(values[$0..<($0 + k)]) }
    }
}

/// The JSON settings shared by every file the benchmark writes.
enum JSONCoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }
}
