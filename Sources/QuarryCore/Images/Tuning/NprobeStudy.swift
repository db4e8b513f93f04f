import Foundation

/// The result of sweeping nprobe on an IVF collection: recall@k against exact search and latency per setting.
///
/// `quarry tune` measures it and writes it with ``write(to:)`` as `report.md`, `report.json` and `report.svg`.
/// The JSON form uses snake_case keys and ISO-8601 dates.
public struct NprobeStudy: Codable, Sendable, Equatable {
    /// Recall and latency of one search setting.
    public struct Measurement: Codable, Sendable, Equatable {
        /// The number of inverted lists probed per query; 0 for exact (Flat) search.
        public var nprobe: Int
        /// Mean recall@k against exact search over the queries (0–1).
        public var recall: Double
        /// Mean search time per query, in milliseconds.
        public var meanMilliseconds: Double
        /// 95th-percentile search time per query, in milliseconds.
        public var p95Milliseconds: Double

        public init(nprobe: Int, recall: Double, meanMilliseconds: Double, p95Milliseconds: Double) {
            self.nprobe = nprobe
            self.recall = recall
            self.meanMilliseconds = meanMilliseconds
            self.p95Milliseconds = p95Milliseconds
        }

        enum CodingKeys: String, CodingKey {
            case nprobe, recall
            case meanMilliseconds = "mean_milliseconds"
            case p95Milliseconds = "p95_milliseconds"
        }
    }

    /// Leave-one-out same-category precision@k (each query is a stored item, itself excluded).
    public struct CategoryPrecision: Codable, Sendable, Equatable {
        /// The number of stored items used as queries.
        public var queries: Int
        /// The number of neighbours judged per query.
        public var k: Int
        /// Precision@k with exact (Flat) search.
        public var flat: Double
        /// Precision@k with the IVF index at ``nprobe``.
        public var ivf: Double
        /// The nprobe the IVF search used.
        public var nprobe: Int

        public init(queries: Int, k: Int, flat: Double, ivf: Double, nprobe: Int) {
            self.queries = queries
            self.k = k
            self.flat = flat
            self.ivf = ivf
            self.nprobe = nprobe
        }
    }

    /// The collection studied.
    public var collection: String
    /// The FAISS factory string of its index, such as `IVF1058,Flat`.
    public var factory: String
    /// The number of inverted lists of the index.
    public var nlist: Int
    /// The number of vectors in the index.
    public var vectors: Int
    /// The number of queries each setting was measured with.
    public var queries: Int
    /// The number of neighbours compared for recall@k.
    public var k: Int
    /// The recall@k that the chosen nprobe must reach.
    public var targetRecall: Double
    /// The exact (Flat) baseline: recall 1 and nprobe 0; nil when it was not timed.
    public var exact: Measurement?
    /// One measurement per nprobe, in increasing nprobe.
    public var measurements: [Measurement]
    /// The smallest nprobe reaching ``targetRecall``; nil when none did.
    public var chosenNprobe: Int?
    /// Same-category precision of Flat and IVF search, when the items have categories.
    public var categoryPrecision: CategoryPrecision?
    /// The machine measured on, in free text (such as `2-core AMD EPYC, 24 GiB`).
    public var machine: String
    /// When the study ran.
    public var date: Date

    public init(
        collection: String, factory: String, nlist: Int, vectors: Int, queries: Int, k: Int, targetRecall: Double,
        exact: Measurement?, measurements: [Measurement], chosenNprobe: Int?, categoryPrecision: CategoryPrecision?,
        machine: String, date: Date
    ) {
        self.collection = collection
        self.factory = factory
        self.nlist = nlist
        self.vectors = vectors
        self.queries = queries
        self.k = k
        self.targetRecall = targetRecall
        self.exact = exact
        self.measurements = measurements
        self.chosenNprobe = chosenNprobe
        self.categoryPrecision = categoryPrecision
        self.machine = machine
        self.date = date
    }

    enum CodingKeys: String, CodingKey {
        case collection, factory, nlist, vectors, queries, k, exact, measurements, machine, date
        case targetRecall = "target_recall"
        case chosenNprobe = "chosen_nprobe"
        case categoryPrecision = "category_precision"
    }

    /// The measurement of ``chosenNprobe``, if any.
    public var chosen: Measurement? {
        chosenNprobe.flatMap { nprobe in measurements.first { $0.nprobe == nprobe } }
    }
}
