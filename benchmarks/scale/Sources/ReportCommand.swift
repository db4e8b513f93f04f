import Foundation

/// `report`: the Markdown tables of one run from the `search` records in a
/// results folder (`<slug>.json`), plus the data set's description.
struct ReportCommand {
    /// Recall@10 an index setting must reach to count.
    static let targetRecall = 0.95
    /// Goal: single-query p99 latency of HNSW or IVF at the target recall.
    static let latencyGoalMilliseconds = 20.0
    /// Goal: a searching process's peak RSS relative to its index file.
    static let memoryGoalRatio = 1.5

    let dataSet: DataSet
    let resultsFolder: URL

    func run() throws {
        let meta = try dataSet.meta()
        let records = try IndexSpec.all.compactMap { spec -> SearchCommand.Record? in
            let url = resultsFolder.appendingPathComponent("\(spec.slug).json")
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return try JSONDecoder().decode(SearchCommand.Record.self, from: Data(contentsOf: url))
        }
        guard !records.isEmpty else { throw BenchmarkError("no search results in \(resultsFolder.path)") }
        var lines: [String] = []
        lines.append(String(
            format: "%@ vectors × %d (inner product), %d queries, k = 10, seed %llu; mean similarity of a query to its 1st / 10th exact neighbour %.3f / %.3f, to a random vector %.3f. Latency: one query at a time, 1 FAISS thread; build: %d threads.",
            Self.grouped(meta.vectors), meta.dimension, meta.queries, meta.seed,
            meta.meanTop1 ?? .nan, meta.meanTopK ?? .nan, meta.meanRandom ?? .nan, records[0].build.threads))
        lines.append("")
        lines.append("| index | setting | build s (train + add) | file MiB | peak RSS MiB (× file) | p50 ms | p99 ms | p99 CPU ms | recall@10 |")
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for record in records {
            for setting in record.settings {
                lines.append("| \(record.factory) | \(Self.label(record, setting)) | "
                    + String(format: "%.1f (%.1f + %.1f)", record.build.buildSeconds, record.build.trainSeconds, record.build.addSeconds)
                    + " | \(Self.mebibytes(record.fileBytes)) | \(Self.mebibytes(record.peakResidentBytes)) (\(Self.ratio(record))) | "
                    + String(format: "%.3f | %.3f | %.3f | %.4f |", setting.p50Milliseconds, setting.p99Milliseconds,
                                  setting.p99CPUMilliseconds, setting.recallAt10))
            }
        }
        lines.append("")
        lines.append("Cheapest setting reaching recall@10 ≥ \(Self.targetRecall) (goals: p99 < \(Int(Self.latencyGoalMilliseconds)) ms for HNSW or IVF; peak RSS ≤ \(Self.memoryGoalRatio)× the index file):")
        lines.append("")
        lines.append("| index | setting | recall@10 | p50 ms | p99 ms | p99 CPU ms | p99 < \(Int(Self.latencyGoalMilliseconds)) ms | file MiB | peak RSS MiB | RSS ≤ \(Self.memoryGoalRatio)× file |")
        lines.append("|---|---|---:|---:|---:|---:|:-:|---:|---:|:-:|")
        for record in records {
            let memory = Self.check(Double(record.peakResidentBytes) <= Self.memoryGoalRatio * Double(record.fileBytes))
                + " (\(Self.ratio(record)))"
            let sizes = "\(Self.mebibytes(record.fileBytes)) | \(Self.mebibytes(record.peakResidentBytes)) | \(memory)"
            if let setting = record.settings.first(where: { $0.recallAt10 >= Self.targetRecall }) {
                lines.append("| \(record.factory) | \(Self.label(record, setting)) | "
                    + String(format: "%.4f | %.3f | %.3f | %.3f | ", setting.recallAt10, setting.p50Milliseconds,
                                  setting.p99Milliseconds, setting.p99CPUMilliseconds)
                    + (record.knob == nil ? "–" : Self.check(setting.p99Milliseconds < Self.latencyGoalMilliseconds))
                    + " | \(sizes) |")
            } else if let best = record.settings.max(by: { $0.recallAt10 < $1.recallAt10 }) {
                lines.append("| \(record.factory) | not reached; best \(Self.label(record, best)) | "
                    + String(format: "%.4f | %.3f | %.3f | %.3f | ", best.recallAt10, best.p50Milliseconds,
                                  best.p99Milliseconds, best.p99CPUMilliseconds)
                    + "– | \(sizes) |")
            }
        }
        print(lines.joined(separator: "\n"))
    }

    private static func label(_ record: SearchCommand.Record, _ setting: SearchCommand.Setting) -> String {
        guard let knob = record.knob, let value = setting.value else { return "exact" }
        return "\(knob)=\(value)"
    }

    private static func mebibytes(_ bytes: Int) -> String {
        grouped(Int((Double(bytes) / 1_048_576).rounded()))
    }

    private static func ratio(_ record: SearchCommand.Record) -> String {
        String(format: "%.2f×", Double(record.peakResidentBytes) / Double(max(record.fileBytes, 1)))
    }

    private static func check(_ met: Bool) -> String { met ? "✅" : "❌" }

    /// 1000000 → "1,000,000".
    private static func grouped(_ value: Int) -> String {
        let digits = String(value)
        return digits.enumerated().map { offset, digit in
            offset > 0 && (digits.count - offset) % 3 == 0 ? ",\(digit)" : "\(digit)"
        }.joined()
    }
}
