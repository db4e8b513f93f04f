import ArgumentParser
import Foundation
import QuarryCore

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Ask a text collection a question from the command line."
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection to search.")
    var collection: String

    @Option(help: "Number of results.")
    var topK = 5

    @Option(help: "vector, keyword or hybrid.")
    var mode: SearchMode = .hybrid

    @Argument(help: "The question.")
    var query: String

    func run() throws {
        let library = try CollectionLibrary(dataDirectory: options.dataDirectory, modelsDirectory: options.modelsDirectory, logger: commandLogger())
        guard let target = library.textCollection(named: collection) else {
            throw ValidationError("collection \"\(collection)\" not found in \(options.data)")
        }
        let result = try target.search(TextSearchRequest(query: query, topK: topK, mode: mode))
        for hit in result.hits {
            let page = hit.passage.page.map { " p.\($0)" } ?? ""
            print(String(format: "%d. [%.3f] %@%@ — %@", hit.rank, hit.score, hit.passage.source, page, hit.passage.chapter))
            print("   " + hit.passage.text.replacingOccurrences(of: "\n", with: " ").prefix(200))
        }
    }
}

extension SearchMode: ExpressibleByArgument {}
