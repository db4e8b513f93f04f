import ArgumentParser
import Foundation
import QuarryCore

struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild a collection's index from its stored vectors (retraining IVF), optionally as another index type.",
        discussion: """
            The new index is built beside the current one and swapped in when complete. Without \
            --factory the collection keeps its index type (or, when Quarry chose it, gets the one its \
            size calls for now).
            """
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection to rebuild.")
    var collection: String

    @Option(help: "FAISS factory string of the new index, e.g. HNSW32,Flat or IVF1024,Flat.")
    var factory: String?

    func run() throws {
        let library = try CollectionLibrary(dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        guard let target = library.collection(named: collection) else {
            throw ValidationError("no collection \"\(collection)\" in \(options.data)")
        }
        let start = Stopwatch()
        let built = try target.reindex(factory: factory)
        print(
            String(
                format: "%@: %d vectors reindexed as %@ in %.1f s", collection, target.index.count, built,
                start.seconds
            ))
    }
}
