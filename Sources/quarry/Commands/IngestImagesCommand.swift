import ArgumentParser
import Embeddings
import Foundation
import QuarryCore

struct IngestImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-images",
        abstract: "Add a folder of images (JPEG, PNG, WebP) to an image collection.",
        discussion: """
            Images are found recursively; an image's category is the name of its folder unless the \
            metadata file gives one. The metadata file (.csv with a header row, or .jsonl) has a `path` \
            column relative to FOLDER, and optional `category`, `price`, `title` and any other fields. \
            Unreadable files are reported and skipped. Re-ingesting skips unchanged images.
            """
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection to add to (created when missing).")
    var collection: String

    @Option(help: "A .csv or .jsonl file of per-image metadata.")
    var metadata: String?

    @Option(help: "FAISS factory string of a new collection (default: Flat below 10,000 images, then IVF).")
    var factory: String?

    @Argument(help: "Folder of images.")
    var folder: String

    func run() throws {
        let root = URL(fileURLWithPath: folder)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(folder) is not a folder")
        }
        let records = try metadata.map { try ImageMetadataFile.read(contentsOf: URL(fileURLWithPath: $0)) } ?? [:]
        let files = ImageFolder.files(in: root)
        // Images are embedded in parallel, one BLAS thread each.
        BLASThreads.set(1)
        let library = try CollectionLibrary(dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        let target = try library.imageCollection(creating: collection, factory: factory)
        let summary = try ImageIngestor().ingest(count: files.count, into: target, progress: ProgressBar().update(_:)) { position in
            let file = files[position]
            do {
                return try ImageFolder.input(url: file.url, path: file.path, record: records[ImageMetadataFile.normalizedPath(file.path)])
            } catch {
                throw UnreadableFile(path: file.path, reason: error.localizedDescription)
            }
        }
        printImageSummary(collection, summary, total: target.index.count)
    }

    struct UnreadableFile: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "\(path): \(reason)" }
    }
}
