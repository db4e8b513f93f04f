import ArgumentParser
import Embeddings
import Foundation
import QuarryCore

struct IngestImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-images",
        abstract: "Add a folder of images (JPEG, PNG, WebP, GIF, BMP, TIFF) to an image collection.",
        discussion: """
            Images are found recursively, through symbolic links; an image's category comes from its \
            folders (--category-from) unless the metadata file gives one. The metadata file (.csv with a \
            header row, or .jsonl) has a `path` column relative to FOLDER, and optional `category`, \
            `price`, `title` and any other fields. Each file that cannot be read or decoded is reported \
            with its reason, and the exit status is 1 unless --allow-failures is given. Content already \
            stored under another path is stored once and reported as a duplicate. Re-ingesting skips \
            unchanged images.
            """
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection to add to (created when missing).")
    var collection: String

    @Option(help: "A .csv or .jsonl file of per-image metadata.")
    var metadata: String?

    @Option(help: "FAISS factory string of a new collection (default: Flat below 10,000 images, then IVF).")
    var factory: String?

    @Option(help: "Category from the folders of animals/birds/owl.png: parent (birds), top (animals) or path (animals/birds).")
    var categoryFrom: ImageFolder.CategorySource = .parent

    @Option(help: "Colour transparent images are composited onto, as #rrggbb (a new collection only; default white).")
    var background: String?

    @Option(help: "Write one JSON line per file (path, status, reason, duplicate_of) to this file.")
    var report: String?

    @Flag(help: "Exit with status 0 even when some files failed.")
    var allowFailures = false

    @Argument(help: "Folder of images.")
    var folder: String

    func run() throws {
        let root = URL(fileURLWithPath: folder)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(folder) is not a folder")
        }
        let backgroundColour = try background.map { text in
            guard let colour = RGBColor(hex: text) else { throw ValidationError("--background must be #rrggbb, got \(text)") }
            return colour
        }
        let records = try metadata.map { try ImageMetadataFile.read(contentsOf: URL(fileURLWithPath: $0)) } ?? [:]
        let files = ImageFolder.files(in: root)
        // Images are embedded in parallel, one BLAS thread each.
        BLASThreads.set(1)
        let library = try CollectionLibrary(dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        let target = try library.imageCollection(creating: collection, factory: factory, background: backgroundColour)
        let summary = try ImageIngestor().ingest(count: files.count, into: target, progress: ProgressBar().update(_:)) { position in
            let file = files[position]
            return try ImageFolder.input(
                url: file.url, path: file.path, record: records[ImageMetadataFile.normalizedPath(file.path)], categoryFrom: categoryFrom
            )
        }
        printImageSummary(collection, summary, total: target.index.count)
        if let report { try JSONLinesFile.write(summary.records, to: URL(fileURLWithPath: report)) }
        if !summary.failures.isEmpty && !allowFailures { throw ExitCode.failure }
    }
}

extension ImageFolder.CategorySource: ExpressibleByArgument {}
