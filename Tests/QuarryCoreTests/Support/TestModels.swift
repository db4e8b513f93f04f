import Embeddings
import Foundation

/// The real models fetched by the setup script, loaded once per test run.
enum TestModels {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelsDirectory = repositoryRoot.appendingPathComponent("models")

    /// multilingual-e5-small (4-bit), the default text model.
    static let e5: BertEncoder = {
        do {
            return try TextModelRegistry.load("e5-small", modelsDirectory: modelsDirectory)
        } catch {
            fatalError("models/ is set up by scripts/setup.sh (make test runs it): \(error)")
        }
    }()
}

/// A fresh folder under the system's temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
