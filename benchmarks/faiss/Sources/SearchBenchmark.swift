import Faiss
import Foundation

/// Builds each index type over the base vectors and measures search speed and recall.
struct SearchBenchmark {
    let dataDirectory: URL

    struct Configuration {
        let factory: String
        let parameters: [(label: String, value: SearchParameters)]
    }

    static let configurations = [
        Configuration(factory: "Flat", parameters: [("", .default)]),
        Configuration(factory: "HNSW32,Flat", parameters: [16, 32, 64, 128].map { (ef: Int) in ("efSearch=\(ef)", SearchParameters(efSearch: ef)) }),
        Configuration(factory: "IVF1024,Flat", parameters: [8, 16, 32, 64].map { (nprobe: Int) in ("nprobe=\(nprobe)", SearchParameters(nprobe: nprobe)) }),
    ]

    func run() throws {
        let base = try DataFiles.matrix(dataDirectory.appendingPathComponent("base.f32"))
        let queries = try DataFiles.matrix(dataDirectory.appendingPathComponent("queries.f32"))
        let truth = try DataFiles.ids(dataDirectory.appendingPathComponent("groundtruth.i64"))
        let impl = "quarry (libfaiss 1.7.3, \(FaissRuntime.buildInfo))"
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let singleQueries = (0..<queries.rows).map { Array(queries[$0]) }

        for configuration in Self.configurations {
            FaissRuntime.threadCount = cores
            let index = try Index(dimension: base.columns, factory: configuration.factory)
            let buildSeconds = try seconds {
                try index.train(base)
                try index.add(base, ids: (0..<Int64(base.rows)).map { $0 })
            }
            for (label, parameters) in configuration.parameters {
                FaissRuntime.threadCount = 1
                let single = try bestOf(3) {
                    for query in singleQueries {
                        _ = try index.search(query, k: 10, parameters: parameters)
                    }
                }
                FaissRuntime.threadCount = cores
                var results: SearchResults?
                let batch = try bestOf(3) { results = try index.search(queries, k: 10, parameters: parameters) }
                let record: [String: Any] = [
                    "impl": impl, "index": configuration.factory, "param": label,
                    "build_s": buildSeconds,
                    "qps_single": Double(queries.rows) / single,
                    "qps_batch": Double(queries.rows) / batch,
                    "recall10": recall(results!, truth: truth),
                ]
                let line = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
                emit(String(decoding: line, as: UTF8.self))
            }
        }
    }

    func recall(_ results: SearchResults, truth: [[Int64]]) -> Double {
        var found = 0
        for (query, expected) in truth.enumerated() {
            let expectedSet = Set(expected.prefix(10))
            found += results[query].filter { expectedSet.contains($0.id) }.count
        }
        return Double(found) / Double(truth.count * 10)
    }
}

/// Wall-clock seconds of one run of `body`.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The fastest of `runs` runs, in seconds.
func bestOf(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<runs { best = min(best, try seconds(body)) }
    return best
}

/// Writes one line to standard output immediately (the output is often a pipe).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
