import Faiss

/// An index type under test and the search-time knob swept for it.
struct IndexSpec: Sendable {
    /// File name stem and command-line name.
    let slug: String
    /// FAISS factory string (inner product metric).
    let factory: String
    /// The swept parameter's name (`nil` for Flat, which has none).
    let knob: String?
    /// The swept values, cheapest first.
    let values: [Int]
    /// Whether the index needs training (IVF coarse quantizer, PQ codebooks).
    let trains: Bool
    /// Shards the vectors are split across (``ShardedIndex``); 1 is a plain index.
    var shards = 1

    /// Search parameters for one swept value.
    func parameters(_ value: Int?) -> SearchParameters {
        switch knob {
        case "efSearch": SearchParameters(efSearch: value)
        case "nprobe": SearchParameters(nprobe: value)
        default: .default
        }
    }

    /// Every swept setting; Flat has one, `nil`.
    var settings: [Int?] { knob == nil ? [nil] : values.map { Optional($0) } }

    static let all = [
        IndexSpec(slug: "flat", factory: "Flat", knob: nil, values: [], trains: false),
        IndexSpec(slug: "ivf4096-flat", factory: "IVF4096,Flat", knob: "nprobe",
                  values: [1, 2, 4, 8, 16, 32, 64, 128, 256], trains: true),
        IndexSpec(slug: "ivf4096-pq48", factory: "IVF4096,PQ48", knob: "nprobe",
                  values: [1, 2, 4, 8, 16, 32, 64, 128, 256], trains: true),
        IndexSpec(slug: "hnsw32", factory: "HNSW32", knob: "efSearch",
                  values: [16, 32, 64, 128, 256, 512], trains: false),
        IndexSpec(slug: "flat-2-shards", factory: "Flat", knob: nil, values: [], trains: false, shards: 2),
        IndexSpec(slug: "ivf4096-flat-2-shards", factory: "IVF4096,Flat", knob: "nprobe",
                  values: [1, 2, 4, 8, 16, 32, 64], trains: true, shards: 2),
        IndexSpec(slug: "hnsw32-2-shards", factory: "HNSW32", knob: "efSearch",
                  values: [16, 32, 64, 128, 256, 512], trains: false, shards: 2),
    ]

    static func named(_ slug: String) throws -> IndexSpec {
        guard let spec = all.first(where: { $0.slug == slug }) else {
            throw BenchmarkError("unknown index \(slug); known: \(all.map(\.slug).joined(separator: ", "))")
        }
        return spec
    }
}
