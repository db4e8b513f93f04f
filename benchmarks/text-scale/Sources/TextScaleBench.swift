// text-scale-bench: builds a text collection of N passages recombined from a real course
// collection, to measure searches at platform scale (benchmarks/text-scale/run.sh).
//
// Each passage is sentences of the seed collection's passages drawn at random (seeded) until it
// is as long as a seed passage drawn at random; its vector is the vector of the seed passage its
// first sentence came from, plus Gaussian noise, normalised again. The keyword index is thus
// built from real course text, and embeddings are not computed again. Passages are stored
// through `TextCollection.save`, the path every ingest takes (SQLite, keyword index, FAISS).
import ArgumentParser
import Foundation
import Logging
import QuarryCore

@main
struct TextScaleBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text-scale-bench", abstract: "Build a text collection of recombined course passages.")

    @Option(help: "Data folder of the seed collection.")
    var seedData: String
    @Option(help: "The seed text collection (a course ingested with its model).")
    var seedCollection = "easy-vecdb"
    @Option(help: "Data folder of the collection to build (resumed when it exists).")
    var data: String
    @Option(help: "Name of the collection to build.")
    var collection = "recombined"
    @Option(help: "Models folder.")
    var models = "models"
    @Option(help: "Passages wanted.")
    var passages = 1_000_000
    @Option(help: "Passages per stored document (one commit each).")
    var perDocument = 1_000
    @Option(help: "Standard deviation of the noise added to each vector component.")
    var noise = 0.02
    @Option(help: "FAISS factory of the collection's index.")
    var factory = "HNSW32,Flat"
    @Option(help: "Random seed.")
    var seed: UInt64 = 20_261_207

    func run() throws {
        let logger = Logger(label: "text-scale-bench")
        let modelsURL = URL(fileURLWithPath: models)
        let seedLibrary = try CollectionLibrary(dataDirectory: URL(fileURLWithPath: seedData), modelsDirectory: modelsURL, logger: logger)
        guard let source = seedLibrary.textCollection(named: seedCollection) else {
            throw ValidationError("no text collection \(seedCollection) in \(seedData)")
        }
        var seeds: [NewPassage] = []
        try source.store.forEachDocument { seeds += $0.passages }
        var recombiner = PassageRecombiner(seeds: seeds, noise: Float(noise), seed: seed)

        let library = try CollectionLibrary(dataDirectory: URL(fileURLWithPath: data), modelsDirectory: modelsURL, logger: logger)
        let target = try library.textCollection(creating: collection, model: source.configuration.model, factory: factory)
        var stored = try target.store.passageCount()
        var document = try target.store.documentCount()
        let start = Date()
        while stored < passages {
            let batch = (0..<min(perDocument, passages - stored)).map { _ in recombiner.next() }
            // Documents already stored were drawn from the generator too: skip their draws on a resume.
            if try target.containsDocument(source: Self.source(document)) {
                document += 1
                continue
            }
            let change = try target.save(
                EmbeddedDocument(source: Self.source(document), contentHash: "\(seed)-\(document)", passages: batch))
            stored += change?.addedIDs.count ?? 0
            document += 1
            if document % 50 == 0 {
                let rate = Double(stored) / max(Date().timeIntervalSince(start), 0.001)
                FileHandle.standardError.write(Data("\(stored) passages, \(Int(rate)) a second\n".utf8))
            }
        }
        try target.index.checkpoint()
        print("\(collection): \(try target.store.passageCount()) passages, index \(target.indexFactory)")
    }

    static func source(_ document: Int) -> String { "recombined/\(document).md" }
}
