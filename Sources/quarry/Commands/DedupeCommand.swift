import ArgumentParser
import Foundation
import QuarryCore

struct DedupeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedupe",
        abstract: "List the groups of near-duplicate images of an image collection.",
        discussion: """
            Two stored images are near duplicates when their score (cosine similarity) reaches the \
            threshold: the collection's own unless --threshold is given. Groups are linked sets, so two \
            members may be linked only through a third. Writes one JSON line per group, largest first, \
            and prints a summary. --set-threshold stores --threshold as the collection's own, which \
            uploads and searches then use for `duplicate_of`. Nothing is deleted.
            """
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Image collection to examine.")
    var collection: String

    @Option(help: "Write one JSON line per group (ids, paths, categories, scores) to this file.")
    var report: String?

    @Option(help: "Score from which two images are near duplicates, 0.5–1 (default: the collection's).")
    var threshold: Double?

    @Flag(help: "Store --threshold as the collection's near-duplicate threshold.")
    var setThreshold = false

    func run() throws {
        let range = ImageCollection.duplicateThresholdRange
        if let threshold, !range.contains(threshold) {
            throw ValidationError("--threshold must be between \(range.lowerBound) and \(range.upperBound)")
        }
        if setThreshold && threshold == nil { throw ValidationError("--set-threshold needs --threshold") }
        let library = try CollectionLibrary(dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        guard let target = library.imageCollection(named: collection) else {
            throw ValidationError("no image collection \"\(collection)\" in \(options.data)")
        }
        if setThreshold, let threshold { try target.setDuplicateThreshold(threshold) }
        let used = threshold ?? target.duplicateThreshold
        let groups = try target.duplicateGroups(threshold: used)
        let images = groups.reduce(0) { $0 + $1.images.count }
        print(
            String(
                format: "%@: %d groups of near duplicates (%d images of %d) at threshold %.3f",
                collection, groups.count, images, target.index.count, used
            ))
        for group in groups.prefix(10) {
            print(
                String(format: "  %d images, scores %.3f–%.3f: ", group.images.count, group.lowestScore, group.highestScore)
                    + group.images.prefix(4).map(\.path).joined(separator: ", ") + (group.images.count > 4 ? ", …" : ""))
        }
        if let report { try writeReport(groups, to: URL(fileURLWithPath: report)) }
    }

    /// One line per group of the report.
    private struct ReportLine: Encodable {
        struct Member: Encodable {
            let id: Int64
            let path: String
            let category: String
        }

        let lowestScore: Double
        let highestScore: Double
        let images: [Member]

        enum CodingKeys: String, CodingKey {
            case images
            case lowestScore = "lowest_score"
            case highestScore = "highest_score"
        }
    }

    private func writeReport(_ groups: [DuplicateGroup], to url: URL) throws {
        try JSONLinesFile.write(
            groups.map { group in
                ReportLine(
                    lowestScore: group.lowestScore, highestScore: group.highestScore,
                    images: group.images.map { .init(id: $0.id, path: $0.path, category: $0.category) }
                )
            }, to: url)
    }
}
