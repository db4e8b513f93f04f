import ArgumentParser
import Embeddings
import Foundation
import QuarryCluster
import QuarryCore

struct IngestImagesCommand: AsyncParsableCommand {
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
            unchanged images. With --cluster-url the images are embedded here and committed to the \
            cluster, one transaction each, instead of a data folder.
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

    @Option(help: "Cluster mode: commit to the cluster at this PostgreSQL URL instead of a data folder (or set QUARRY_CLUSTER_URL).")
    var clusterURL: String?

    @Argument(help: "Folder of images.")
    var folder: String

    func run() async throws {
        let root = URL(fileURLWithPath: folder)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(folder) is not a folder")
        }
        let backgroundColour = try background.map { text in
            guard let colour = RGBColor(hex: text) else { throw ValidationError("--background must be #rrggbb, got \(text)") }
            return colour
        }
        let cluster = try quarry.clusterURL(flag: clusterURL)
        if cluster != nil, backgroundColour != nil {
            throw ValidationError("--background cannot be given with --cluster-url: a cluster's image collections composite onto white")
        }
        let records = try metadata.map { try ImageMetadataFile.read(contentsOf: URL(fileURLWithPath: $0)) } ?? [:]
        let files = ImageFolder.files(in: root)
        // Images are embedded in parallel, one BLAS thread each.
        BLASThreads.set(1)
        // A cluster's images are embedded into a scratch collection first, then committed from it.
        let dataDirectory =
            cluster == nil
            ? options.dataDirectory : FileManager.default.temporaryDirectory.appendingPathComponent("quarry-ingest-\(UUID().uuidString)")
        defer { if cluster != nil { try? FileManager.default.removeItem(at: dataDirectory) } }
        let library = try CollectionLibrary(dataDirectory: dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        let target = try library.imageCollection(creating: collection, factory: factory, background: backgroundColour)
        let summary = try ImageIngestor().ingest(count: files.count, into: target, progress: ProgressBar().update(_:)) { position in
            let file = files[position]
            return try ImageFolder.input(
                url: file.url, path: file.path, record: records[ImageMetadataFile.normalizedPath(file.path)], categoryFrom: categoryFrom
            )
        }
        if let cluster {
            try await commit(target, to: cluster, summary: summary)
        } else {
            printImageSummary(collection, summary, total: target.index.count)
        }
        if let report { try JSONLinesFile.write(summary.records, to: URL(fileURLWithPath: report)) }
        if !summary.failures.isEmpty && !allowFailures { throw ExitCode.failure }
    }

    /// Commits every image of scratch collection `scratch` to the cluster at `url`, creating
    /// the collection there when it is new; prints what the cluster took.
    func commit(_ scratch: ImageCollection, to url: ClusterURL, summary: ImageIngestSummary) async throws {
        let start = Stopwatch()
        let writer = try await ClusterWriter.connect(url: url, name: "cli-\(ProcessInfo.processInfo.hostName)", logger: commandLogger())
        var last = try await writer.ensureCollection(
            collection, as: CollectionSpecification(kind: .image, model: scratch.configuration.model, factory: factory)
        ).sequence
        let ids = try scratch.vectorSource.allIDs().sorted()
        var (stored, unchanged) = (0, 0)
        let progress = ProgressBar()
        for batchStart in stride(from: 0, to: ids.count, by: 64) {
            for image in try scratch.embeddedImages(ids: Array(ids[batchStart..<min(batchStart + 64, ids.count)])) {
                let committed = try await writer.commit(.storeImage(collection: collection, image: image))
                if let sequence = committed.sequence {
                    (stored, last) = (stored + 1, sequence)
                } else {
                    unchanged += 1
                }
            }
            progress.update(completed: min(batchStart + 64, ids.count), total: ids.count, label: "committing")
        }
        await writer.close()
        for failure in summary.failures {
            FileHandle.standardError.write(Data("failed \(failure.source): \(failure.reason)\n".utf8))
        }
        print(
            String(
                format: "%@: %d images (%d committed, %d unchanged, %d duplicates, %d failed), last seq %@, %.1f s",
                collection, summary.files, stored, unchanged, summary.duplicates.count, summary.failures.count,
                last.map { String($0) } ?? "none", summary.seconds + start.seconds
            ))
    }
}

extension ImageFolder.CategorySource: ExpressibleByArgument {}
