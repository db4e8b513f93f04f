import ArgumentParser
import Embeddings
import Foundation
import QuarryCluster
import QuarryCore

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add documents (Markdown, text, PPTX, DOCX, PDF) to a text collection.",
        discussion: """
            Files and folders (searched recursively) are read, cut into passages, embedded and stored. \
            A file is known by its path relative to the folder given; re-ingesting replaces changed \
            files and skips unchanged ones. The collection is created when it does not exist. \
            With --cluster-url the documents are embedded here and committed to the cluster, whose \
            nodes apply them; no data folder is written.
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

    @Option(help: "Cluster mode: commit to the cluster at this PostgreSQL URL instead of a data folder (or set QUARRY_CLUSTER_URL).")
    var clusterURL: String?

    @Argument(help: "Files or folders to ingest.")
    var paths: [String]

    func run() async throws {
        if let url = try quarry.clusterURL(flag: clusterURL) {
            try await ingestIntoCluster(url: url)
            return
        }
        let library = try CollectionLibrary(dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        let target = try library.textCollection(creating: collection, model: model, factory: factory)
        let ingestor = try ingestor(for: target.encoder)
        let summary = try ingestor.ingest(paths: paths.map { URL(fileURLWithPath: $0) }, into: target, progress: ProgressBar().update(_:))
        for failure in summary.failures {
            FileHandle.standardError.write(Data("skipped \(failure.source): \(failure.reason)\n".utf8))
        }
        try target.adaptIndexType()
        let indexType =
            target.index.pendingFactory.map {
                "\(target.index.factory); \($0) once enough vectors are stored to train it"
            } ?? target.index.factory
        print(
            String(
                format:
                    "%@: %d files (%d ingested, %d unchanged, %d failed), %d passages added, %d removed, %d duplicates skipped, %d in collection (%@ index), %.1f s",
                collection, summary.files, summary.ingested, summary.unchanged, summary.failures.count, summary.passages,
                summary.removed, summary.duplicates, target.index.count, indexType, summary.seconds
            ))
    }

    /// The ingestor of these options, counting tokens with `encoder`.
    func ingestor(for encoder: any TextEncoder) throws -> DocumentIngestor {
        var chunking = DocumentIngestor.defaultChunking
        chunking.targetTokens = chunkSize
        chunking.overlapTokens = overlap
        chunking.codePolicy = includeCode ? .separatePassages : .omit
        return try DocumentIngestor(countingTokensWith: encoder, chunking: chunking)
    }

    /// Embeds every file here and commits it to the cluster at `url`, creating the collection there when it is new.
    func ingestIntoCluster(url: ClusterURL) async throws {
        let start = Stopwatch()
        let encoder = try ModelRegistry.textEncoder(model, modelsDirectory: options.modelsDirectory)
        let ingestor = try ingestor(for: encoder)
        let writer = try await ClusterWriter.connect(url: url, name: "cli-\(ProcessInfo.processInfo.hostName)", logger: commandLogger())
        var last = try await writer.ensureCollection(collection, as: CollectionSpecification(kind: .text, model: model, factory: factory)).sequence
        let files = ingestor.files(in: paths.map { URL(fileURLWithPath: $0) })
        var (stored, unchanged, passages, failed) = (0, 0, 0, 0)
        let progress = ProgressBar()
        for (offset, file) in files.enumerated() {
            do {
                let document = ingestor.prepare(try ingestor.readers.read(contentsOf: file.url), source: file.source)
                let committed = try await writer.commit(.storeDocument(collection: collection, document: try document.embedded(by: encoder)))
                if let sequence = committed.sequence {
                    (stored, passages, last) = (stored + 1, passages + committed.passages, sequence)
                } else {
                    unchanged += 1
                }
            } catch let error as DocumentReadError {
                failed += 1
                FileHandle.standardError.write(Data("skipped \(file.source): \(error.description)\n".utf8))
            }
            progress.update(completed: offset + 1, total: files.count, label: file.source)
        }
        await writer.close()
        print(
            String(
                format: "%@: %d files (%d committed, %d unchanged, %d failed), %d passages, last seq %@, %.1f s",
                collection, files.count, stored, unchanged, failed, passages, last.map { String($0) } ?? "none",
                start.seconds
            ))
    }
}
