import ArgumentParser
import Foundation
import QuarryCore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add documents (Markdown, text, PPTX, DOCX, PDF) to a text collection.",
        discussion: """
            Files and folders (searched recursively) are read, cut into passages, embedded and stored. \
            A file is known by its path relative to the folder given; re-ingesting replaces changed \
            files and skips unchanged ones. The collection is created when it does not exist.
            """
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection to add to.")
    var collection: String

    @Option(help: "Embedding model of a new collection (e5-small, minilm-l6).")
    var model = "e5-small"

    @Option(help: "FAISS factory string of a new collection (default: Flat below 50,000 passages).")
    var factory: String?

    @Option(help: "Passage size in model tokens.")
    var chunkSize = DocumentIngestor.defaultChunking.targetTokens

    @Option(help: "Tokens of whole sentences repeated from the previous passage.")
    var overlap = DocumentIngestor.defaultChunking.overlapTokens

    @Flag(help: "Index fenced code blocks as passages of their own (left out by default).")
    var includeCode = false

    @Argument(help: "Files or folders to ingest.")
    var paths: [String]

    func run() throws {
        let library = try CollectionLibrary(dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        let target = try library.textCollection(creating: collection, model: model, factory: factory)
        var chunking = DocumentIngestor.defaultChunking
        chunking.targetTokens = chunkSize
        chunking.overlapTokens = overlap
        chunking.codePolicy = includeCode ? .separatePassages : .omit
        let ingestor = DocumentIngestor(chunker: try Chunker(configuration: chunking, tokenCounter: EncoderTokenCounter(encoder: target.encoder)))
        let summary = try ingestor.ingest(paths: paths.map { URL(fileURLWithPath: $0) }, into: target, progress: ProgressBar().update(_:))
        for failure in summary.failures {
            FileHandle.standardError.write(Data("skipped \(failure.source): \(failure.reason)\n".utf8))
        }
        if target.configuration.automaticFactory == true,
            TextCollection.defaultFactory(forCount: target.index.count) != target.configuration.factory
        {
            // Move the collection to the index type its new size calls for.
            try target.reindex()
        }
        let indexType = target.index.pendingFactory.map {
            "\(target.index.factory); \($0) once enough vectors are stored to train it"
        } ?? target.index.factory
        print(String(
            format: "%@: %d files (%d ingested, %d unchanged, %d failed), %d passages added, %d removed, %d duplicates skipped, %d in collection (%@ index), %.1f s",
            collection, summary.files, summary.ingested, summary.unchanged, summary.failures.count, summary.passages,
            summary.removed, summary.duplicates, target.index.count, indexType, summary.seconds
        ))
    }
}
