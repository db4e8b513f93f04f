import Faiss
import Foundation

/// `search`: loads one built index in this (fresh) process and, for each swept
/// setting, searches the queries one at a time on one FAISS thread, as a
/// collection's search does. Prints a JSON ``Record`` on standard output.
///
/// The peak RSS (VmHWM) is the whole process's: the index, the queries and
/// ground truth (about 2 MB), and the Swift runtime.
struct SearchCommand {
    /// One swept setting's figures.
    struct Setting: Codable {
        var value: Int?
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var meanMilliseconds: Double
        /// p99 of the calling thread's CPU time per query: the latency without the
        /// time the thread spent descheduled on a busy machine. A sharded index
        /// searches its other shards on other threads: this is the caller's share.
        var p99CPUMilliseconds: Double
        var recallAt10: Double
    }

    /// What `search` prints.
    struct Record: Codable {
        var slug: String
        var factory: String
        var knob: String?
        var build: BuildCommand.Record
        var fileBytes: Int
        var loadSeconds: Double
        var residentAfterLoadBytes: Int
        var peakResidentBytes: Int
        var queries: Int
        var settings: [Setting]
    }

    /// Unmeasured searches before each setting's timed pass (caches, page faults).
    private let warmUpQueries = 20

    let dataSet: DataSet
    let spec: IndexSpec

    func run() throws {
        let meta = try dataSet.meta()
        let queries = try dataSet.queries(dimension: meta.dimension)
        let truth = try dataSet.truth(k: meta.k)
        let build = try JSONDecoder().decode(BuildCommand.Record.self, from: Data(contentsOf: dataSet.buildRecordURL(spec)))
        let indexURL = dataSet.indexURL(spec)
        let fileBytes = try spec.storedBytes(at: indexURL)

        var loaded: (any BenchmarkIndex)?
        let loadSeconds = try seconds { loaded = try spec.loadIndex(from: indexURL) }
        guard let index = loaded else { return }
        let residentAfterLoad = ProcessMemory.resident
        FaissRuntime.threadCount = 1

        var settings: [Setting] = []
        for value in spec.settings {
            let setting = try measure(index, value: value, queries: queries, truth: truth)
            settings.append(setting)
            log(String(format: "%@ %@: p50 %.3f ms, p99 %.3f ms (CPU %.3f ms), recall@10 %.4f", spec.title,
                       value.map { "\(spec.knob ?? "")=\($0)" } ?? "exact", setting.p50Milliseconds,
                       setting.p99Milliseconds, setting.p99CPUMilliseconds, setting.recallAt10))
        }
        let record = Record(
            slug: spec.slug, factory: spec.title, knob: spec.knob, build: build, fileBytes: fileBytes,
            loadSeconds: loadSeconds, residentAfterLoadBytes: residentAfterLoad,
            peakResidentBytes: ProcessMemory.peakResident, queries: queries.count, settings: settings
        )
        FileHandle.standardOutput.write(try JSONCoding.encoder.encode(record) + Data("\n".utf8))
    }

    /// Latency percentiles and recall@10 of one pass over the queries with the knob at `value`.
    private func measure(_ index: any BenchmarkIndex, value: Int?, queries: [[Float]], truth: [[Int64]]) throws -> Setting {
        let parameters = spec.parameters(value)
        for query in queries.prefix(warmUpQueries) { _ = try index.search(query, k: 10, parameters: parameters) }
        var milliseconds: [Double] = []
        var cpuMilliseconds: [Double] = []
        milliseconds.reserveCapacity(queries.count)
        cpuMilliseconds.reserveCapacity(queries.count)
        var found = 0
        for (query, expected) in zip(queries, truth) {
            var neighbours: [Neighbor] = []
            let cpuStart = Self.threadCPUSeconds()
            milliseconds.append(try seconds { neighbours = try index.search(query, k: 10, parameters: parameters) } * 1000)
            cpuMilliseconds.append((Self.threadCPUSeconds() - cpuStart) * 1000)
            let expectedSet = Set(expected.prefix(10))
            found += neighbours.filter { expectedSet.contains($0.id) }.count
        }
        milliseconds.sort()
        cpuMilliseconds.sort()
        return Setting(
            value: value,
            p50Milliseconds: Self.percentile(milliseconds, 0.50),
            p99Milliseconds: Self.percentile(milliseconds, 0.99),
            meanMilliseconds: milliseconds.reduce(0, +) / Double(milliseconds.count),
            p99CPUMilliseconds: Self.percentile(cpuMilliseconds, 0.99),
            recallAt10: Double(found) / Double(queries.count * 10)
        )
    }

    /// CPU time of the calling thread, which runs the search itself with one FAISS thread.
    private static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Nearest-rank percentile of sorted values.
    private static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        sorted[max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1)]
    }
}
