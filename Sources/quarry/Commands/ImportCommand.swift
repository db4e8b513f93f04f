import ArgumentParser
import Embeddings
import Foundation
import QuarryCore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a known public image data set into an image collection.",
        subcommands: [FashionMNISTImport.self]
    )
}

struct FashionMNISTImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fashion-mnist",
        abstract: "Import Fashion-MNIST product images (Debian's dataset-fashion-mnist) into an image collection.",
        discussion: """
            Each image is written as a PNG into the collection's media folder with its category (the class \
            name), a simulated price drawn deterministically from a per-category range, and a title. \
            Importing again skips images already stored.
            """
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection to import into (created when missing).")
    var collection: String

    @Option(help: "Which images: test (10,000), train (60,000) or all (70,000).")
    var split: FashionMNIST.Split = .test

    @Option(help: "Import at most this many images.")
    var limit: Int?

    @Option(help: "Folder of the data set's IDX files.")
    var source = FashionMNIST.defaultFolder.path

    func run() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        let items = try FashionMNIST(folder: URL(fileURLWithPath: source)).items(split, limit: limit)
        // Images are embedded in parallel, one BLAS thread each.
        BLASThreads.set(1)
        let library = try CollectionLibrary(dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        let target = try library.imageCollection(creating: collection)
        let summary = try ImageIngestor().ingest(count: items.count, into: target, progress: ProgressBar().update(_:)) { position in
            let item = items[position]
            let key = "\(item.split.rawValue)/\(String(format: "%05d", item.index))"
            return ImageInput(
                path: "fashion-mnist/\(key).png", data: try ImageWriter.pngData(FashionMNIST.image(of: item)),
                category: item.category, price: FashionMNIST.price(label: item.label, key: key),
                title: "\(item.category) #\(item.index + 1) (\(item.split.rawValue))",
                metadata: [
                    "dataset": .string("Fashion-MNIST"), "split": .string(item.split.rawValue), "index": .number(Double(item.index)),
                    "label": .number(Double(item.label)),
                ]
            )
        }
        printImageSummary(collection, summary, total: target.index.count)
    }
}

extension FashionMNIST.Split: ExpressibleByArgument {}

/// Prints failures and duplicates to standard error and a one-line summary of an image ingestion.
func printImageSummary(_ collection: String, _ summary: ImageIngestSummary, total: Int) {
    for failure in summary.failures {
        FileHandle.standardError.write(Data("failed \(failure.source): \(failure.reason)\n".utf8))
    }
    for duplicate in summary.duplicates {
        FileHandle.standardError.write(Data("duplicate \(duplicate.path): same content as \(duplicate.duplicateOf ?? "?")\n".utf8))
    }
    print(
        String(
            format: "%@: %d images (%d stored, %d unchanged, %d replaced, %d duplicates, %d failed), %d in collection (%@ index), %.1f s",
            collection, summary.files, summary.stored, summary.unchanged, summary.replaced, summary.duplicates.count,
            summary.failures.count, total, summary.factory, summary.seconds
        ))
}
