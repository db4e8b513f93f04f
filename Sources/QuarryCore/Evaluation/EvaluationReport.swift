import Foundation

/// The outcome of an evaluation: per question and per mode, the rank of the
/// first hit; per mode, Hit@k, MRR@10 and latency; and a top_k recommendation.
public struct EvaluationReport: Codable, Sendable {
    public var collection: String
    public var questionsFile: String
    public var createdAt: Date
    public var ks: [Int]
    public var modes: [ModeSummary]
    /// The same measures per split and per question type.
    public var groups: [GroupSummary]
    public var questions: [QuestionOutcome]
    /// Smallest k whose hybrid (or first mode's) Hit@k reaches 95% of its Hit@10.
    public var recommendedTopK: Int

    /// Hit@k and MRR@10 of one search mode over a set of questions.
    public struct ModeSummary: Codable, Sendable {
        public var mode: SearchMode
        /// Hit@k for each k of ``EvaluationReport/ks`` (as strings "1", "3", …).
        public var hitAt: [String: Double]
        public var mrrAt10: Double
        public var latencyP50Milliseconds: Double
        public var latencyP95Milliseconds: Double
    }

    /// The measures of one group of questions: a split or a question type.
    public struct GroupSummary: Codable, Sendable {
        public var name: String
        public var count: Int
        public var modes: [ModeSummary]
    }

    /// One question: what was expected, and the rank each mode found it at.
    public struct QuestionOutcome: Codable, Sendable {
        public var id: String
        public var question: String
        public var expectedFile: String
        public var expectedHeading: String?
        /// Rank (1-based) of the first hit per mode; nil when none of the top 10 is a hit.
        public var firstHitRank: [String: Int?]
        /// Source and chapter of the top result per mode.
        public var topResult: [String: String]
    }
}

extension EvaluationReport {
    /// The report as Markdown.
    public var markdown: String {
        var lines: [String] = []
        let formatter = ISO8601DateFormatter()
        lines.append("# Evaluation: \(collection)")
        lines.append("")
        lines.append("Questions: `\(questionsFile)` (\(questions.count)); run \(formatter.string(from: createdAt)).")
        lines.append("A result is a hit when it comes from the expected file (or an alternative file) and its span overlaps the answer.")
        lines.append("")
        lines.append("| mode | " + ks.map { "Hit@\($0)" }.joined(separator: " | ") + " | MRR@10 | p50 ms | p95 ms |")
        lines.append("|---|" + ks.map { _ in "---|" }.joined() + "---|---|---|")
        for mode in modes {
            let hits = ks.map { String(format: "%.2f", mode.hitAt[String($0)] ?? 0) }.joined(separator: " | ")
            lines.append(
                String(
                    format: "| %@ | %@ | %.3f | %.1f | %.1f |", mode.mode.rawValue, hits, mode.mrrAt10,
                    mode.latencyP50Milliseconds, mode.latencyP95Milliseconds))
        }
        lines.append("")
        lines.append("Recommended top_k: **\(recommendedTopK)** (the smallest k reaching 95% of Hit@10).")
        lines.append("")
        if !groups.isEmpty {
            lines.append("## By split and question type")
            lines.append("")
            lines.append("| group | questions | " + modes.map { "\($0.mode.rawValue) Hit@5 | MRR@10" }.joined(separator: " | ") + " |")
            lines.append("|---|---|" + modes.map { _ in "---|---|" }.joined())
            for group in groups {
                let cells = group.modes.map { String(format: "%.3f | %.3f", $0.hitAt["5"] ?? 0, $0.mrrAt10) }.joined(separator: " | ")
                lines.append("| \(group.name) | \(group.count) | \(cells) |")
            }
            lines.append("")
        }
        lines.append("## Questions")
        lines.append("")
        lines.append(
            "| id | question | expected | " + modes.map { "\($0.mode.rawValue) rank" }.joined(separator: " | ")
                + " | top result (\(modes.first?.mode.rawValue ?? "")) |")
        lines.append("|---|---|---|" + modes.map { _ in "---|" }.joined() + "---|")
        for outcome in questions {
            let ranks = modes.map { mode in (outcome.firstHitRank[mode.mode.rawValue] ?? nil).map(String.init) ?? "–" }.joined(separator: " | ")
            let expected = outcome.expectedFile + (outcome.expectedHeading.map { " § \($0)" } ?? "")
            let top = modes.first.flatMap { outcome.topResult[$0.mode.rawValue] } ?? ""
            lines.append("| \(outcome.id) | \(Self.cell(outcome.question)) | \(Self.cell(expected)) | \(ranks) | \(Self.cell(top)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// Writes `report.md` and `report.json` into `folder`.
    public func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(markdown.utf8).write(to: folder.appendingPathComponent("report.md"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(self).write(to: folder.appendingPathComponent("report.json"))
    }
}
