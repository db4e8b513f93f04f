// scale-bench: the scale benchmark (benchmarks/scale/run.sh runs the phases in order).
//
//   scale-bench generate --seeds HEX --data DIR --vectors N --queries Q --seed S
//       synthetic clustered unit vectors around the seed embeddings (one hex-encoded
//       float32 BLOB per line) → DIR/base.f32, DIR/queries.f32, DIR/meta.json
//   scale-bench truth --data DIR
//       exact top-10 of every query (Flat, batched, all cores) → DIR/truth.i64
//   scale-bench build --data DIR --index SLUG --training-vectors T
//       train (IVF: on T sampled vectors, 0 = all) + add, all cores → DIR/indexes/SLUG.faiss
//   scale-bench search --data DIR --index SLUG
//       load the index, sweep its knob with single queries on 1 FAISS thread; JSON on stdout
//   scale-bench report --data DIR --results RESULTS
//       Markdown tables from RESULTS/SLUG.json
//   scale-bench indexes
//       the index slugs, one per line
//
// Indexes are built and searched through Quarry's own FAISS binding (the `Faiss` module),
// the calls a collection's LiveIndex makes; see run.sh for why not through a collection.
import Foundation

do {
    let arguments = CommandLine.arguments.dropFirst()
    guard let command = arguments.first else {
        throw BenchmarkError("usage: scale-bench generate|truth|build|search|report|indexes [--name value …]")
    }
    let options = try Options(arguments.dropFirst())
    switch command {
    case "generate":
        try GenerateCommand(
            seedsURL: options.url("seeds"), dataSet: DataSet(folder: options.url("data")),
            vectors: options.integer("vectors"), queries: options.integer("queries"),
            seed: UInt64(options.integer("seed"))
        ).run()
    case "truth":
        try TruthCommand(dataSet: DataSet(folder: options.url("data"))).run()
    case "build":
        try BuildCommand(
            dataSet: DataSet(folder: options.url("data")), spec: IndexSpec.named(options.string("index")),
            trainingVectors: options.integer("training-vectors")
        ).run()
    case "search":
        try SearchCommand(dataSet: DataSet(folder: options.url("data")), spec: IndexSpec.named(options.string("index"))).run()
    case "report":
        try ReportCommand(dataSet: DataSet(folder: options.url("data")), resultsFolder: options.url("results")).run()
    case "indexes":
        print(IndexSpec.all.map(\.slug).joined(separator: "\n"))
    default:
        throw BenchmarkError("unknown command \(command)")
    }
} catch {
    log("error: \(error)")
    exit(1)
}
