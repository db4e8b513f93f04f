import ArgumentParser
import Foundation
import QuarryCore

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Measure recall and latency of an IVF image collection against nprobe and store the best default.",
        discussion: """
            Sweeps nprobe over 1, 2, 4, … nlist, measuring recall@10 against an exact search of the \
            same vectors and the latency per query, picks the smallest nprobe reaching the target \
            recall, stores it as the collection's default, and writes report.md, report.json and \
            report.svg. Also reports leave-one-out same-category precision@10 for Flat and IVF.
            """
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection to tune.")
    var collection: String

    @Option(help: "Stored images used as queries.")
    var queries = 500

    @Option(help: "Recall@10 the chosen nprobe must reach.")
    var targetRecall = 0.95

    @Option(help: "Most images used as leave-one-out queries for category precision.")
    var precisionQueries = 10_000

    @Option(help: "Folder for the report (default: <data>/<collection>/tune).")
    var report: String?

    @Option(help: "Machine description written into the report (default: CPU model, cores and memory).")
    var machine: String?

    func run() throws {
        guard queries >= 1, precisionQueries >= 1 else { throw ValidationError("--queries and --precision-queries must be at least 1") }
        guard (0...1).contains(targetRecall) else { throw ValidationError("--target-recall must be between 0 and 1") }
        let library = try CollectionLibrary(dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        guard let target = library.imageCollection(named: collection) else {
            throw ValidationError("no image collection \"\(collection)\" in \(options.data)")
        }
        let tuner = NprobeTuner(queries: queries, targetRecall: targetRecall, precisionQueries: precisionQueries)
        let study = try tuner.study(target, machine: machine ?? MachineDescription.current) { line in
            FileHandle.standardError.write(Data("tune: \(line)\n".utf8))
        }
        let chosen = study.chosenNprobe ?? study.nlist
        try target.setDefaultNprobe(chosen)
        let folder = report.map { URL(fileURLWithPath: $0) } ?? target.folder.url.appendingPathComponent("tune")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try study.write(to: folder)
        let measured = study.measurements.first { $0.nprobe == chosen }
        print(
            String(
                format: "%@: nprobe %d (recall@%d %.3f, mean %.2f ms) stored as default; report in %@",
                collection, chosen, study.k, measured?.recall ?? 0, measured?.meanMilliseconds ?? 0, folder.path
            ))
        if study.chosenNprobe == nil {
            FileHandle.standardError.write(Data("tune: no nprobe reached recall \(targetRecall); using nlist\n".utf8))
        }
    }
}
