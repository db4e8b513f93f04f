import ArgumentParser
import Foundation
import QuarryCore

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Copy a separately built collection into another (same kind and model), vectors included.",
        discussion: """
            Nothing is embedded again: stored vectors, metadata and (for images) files are copied and \
            added to the target's live index. Documents and images already in the target unchanged \
            are skipped; changed ones are replaced. Both collections must be in the same data folder.
            """
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection to copy from.")
    var from: String

    @Option(help: "Collection to copy into.")
    var into: String

    func run() throws {
        let library = try CollectionLibrary(dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        let start = Stopwatch()
        let copied: Int
        let target: any IndexedCollection
        if let source = library.textCollection(named: from), let destination = library.textCollection(named: into) {
            copied = try destination.merge(from: source)
            target = destination
        } else if let source = library.imageCollection(named: from), let destination = library.imageCollection(named: into) {
            copied = try destination.merge(from: source)
            target = destination
        } else {
            throw ValidationError("need two collections of the same kind in \(options.data): \"\(from)\" and \"\(into)\"")
        }
        try target.checkpoint()
        print(
            String(
                format: "%@ → %@: %d %@ copied, %d vectors in %@ (%.1f s)", from, into, copied,
                target.configuration.kind == .text ? "documents" : "images", target.index.count, into,
                start.seconds
            ))
    }
}
