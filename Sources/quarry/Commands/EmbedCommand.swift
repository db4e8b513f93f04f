import ArgumentParser
import Embeddings
import Foundation
import QuarryCore

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the embedding of a query, a passage or an image as JSON.",
        discussion: "Models: \(ModelRegistry.entries.map(\.name).joined(separator: ", "))."
    )

    @Option(help: "Model name.")
    var model = "e5-small"

    @Option(help: "Folder of the model files fetched by scripts/setup.sh.")
    var models = "models"

    @Option(help: "Text to embed as a search query.")
    var query: String?

    @Option(help: "Text to embed as a passage.")
    var passage: String?

    @Option(help: "Image file to embed (JPEG, PNG, WebP).")
    var image: String?

    @Flag(help: "Print dimension, norm and timing instead of the vector.")
    var stats = false

    func validate() throws {
        guard [query, passage, image].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --query, --passage or --image")
        }
    }

    func run() throws {
        let entry = try ModelRegistry.entry(named: model)
        let modelsDirectory = URL(fileURLWithPath: models)
        let loading = Stopwatch()
        let vector: [Float]
        let loadMilliseconds: Double
        let embedding: Stopwatch
        switch entry.kind {
        case .text:
            guard image == nil else { throw ValidationError("\(model) embeds text; use --query or --passage") }
            let encoder = try ModelRegistry.textEncoder(model, modelsDirectory: modelsDirectory)
            (loadMilliseconds, embedding) = (loading.milliseconds, Stopwatch())
            vector = try query.map { try encoder.embed($0, role: .query) } ?? encoder.embed(passage!, role: .passage)
        case .image:
            guard let image else { throw ValidationError("\(model) embeds images; use --image") }
            let encoder = try ModelRegistry.imageEncoder(model, modelsDirectory: modelsDirectory)
            let data = try Data(contentsOf: URL(fileURLWithPath: image))
            (loadMilliseconds, embedding) = (loading.milliseconds, Stopwatch())
            vector = try encoder.embed(imageData: data)
        }
        let embedMilliseconds = embedding.milliseconds
        if stats {
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            print(
                String(
                    format: "model %@ (%@), dimension %d, norm %.6f, load %.1f ms, embed %.2f ms",
                    model, entry.kind.rawValue, vector.count, norm,
                    loadMilliseconds, embedMilliseconds))
        } else {
            print(String(decoding: try JSONEncoder().encode(vector), as: UTF8.self))
        }
    }
}
