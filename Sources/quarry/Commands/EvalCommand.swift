import ArgumentParser
import Foundation
import QuarryCore

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a text collection on questions with known answer locations.",
        discussion: "Writes report.md and report.json (Hit@k, MRR@10, latency, per-question ranks, a top_k recommendation)."
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection to evaluate.")
    var collection: String

    @Option(help: "JSON Lines file of questions (id, question, file, heading, answer_span, alt_files, type, split).")
    var questions: String

    @Option(help: "Folder the questions' file paths are relative to (the folder that was ingested).")
    var corpus: String

    @Option(help: "Folder for report.md and report.json.")
    var report: String

    @Option(help: "Comma-separated modes.")
    var modes = "hybrid,vector,keyword"

    @Option(help: "Comma-separated k values for Hit@k.")
    var k = "1,3,5,10"

    func run() throws {
        let modeList = try modes.split(separator: ",").map { name in
            guard let mode = SearchMode(rawValue: String(name)) else { throw ValidationError("unknown mode \(name)") }
            return mode
        }
        let ks = try k.split(separator: ",").map { value in
            guard let k = Int(value), k > 0 else { throw ValidationError("invalid k \(value)") }
            return k
        }
        let library = try CollectionLibrary(dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        guard let target = library.textCollection(named: collection) else {
            throw ValidationError("collection \"\(collection)\" not found in \(options.data)")
        }
        let questionsURL = URL(fileURLWithPath: questions)
        let result = try Evaluator(collection: target, corpusRoot: URL(fileURLWithPath: corpus)).run(
            questions: EvaluationQuestion.load(from: questionsURL), questionsFile: questionsURL.lastPathComponent, modes: modeList, ks: ks
        )
        try result.write(to: URL(fileURLWithPath: report))
        for mode in result.modes {
            print(
                String(
                    format: "%@: Hit@1 %.2f Hit@5 %.2f Hit@10 %.2f MRR@10 %.3f p50 %.1f ms",
                    mode.mode.rawValue, mode.hitAt["1"] ?? 0, mode.hitAt["5"] ?? 0, mode.hitAt["10"] ?? 0, mode.mrrAt10,
                    mode.latencyP50Milliseconds))
        }
        for group in result.groups {
            let cells = group.modes.map { String(format: "%@ Hit@5 %.3f MRR@10 %.3f", $0.mode.rawValue, $0.hitAt["5"] ?? 0, $0.mrrAt10) }
            print("\(group.name) (\(group.count)): " + cells.joined(separator: ", "))
        }
        print("recommended top_k: \(result.recommendedTopK); report in \(report)")
    }
}
