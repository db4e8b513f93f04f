import Foundation

/// The files of one collection folder (`<data>/<name>/`).
public struct CollectionFolder: Sendable, Equatable {
    public let url: URL

    public init(dataDirectory: URL, name: String) {
        url = dataDirectory.appendingPathComponent(name, isDirectory: true)
    }

    public init(url: URL) {
        self.url = url
    }

    public var configurationURL: URL { url.appendingPathComponent("collection.json") }
    public var storeURL: URL { url.appendingPathComponent("store.sqlite") }

    public func readConfiguration() throws(CollectionError) -> CollectionConfiguration {
        guard FileManager.default.fileExists(atPath: configurationURL.path) else {
            throw .notFound(url.lastPathComponent)
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(CollectionConfiguration.self, from: Data(contentsOf: configurationURL))
        } catch {
            throw .unreadableConfiguration(path: configurationURL.path, reason: "\(error)")
        }
    }

    public func writeConfiguration(_ configuration: CollectionConfiguration) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(encoder.encode(configuration), to: configurationURL)
    }

    /// Folders under `dataDirectory` that hold a `collection.json`, sorted by name.
    public static func all(in dataDirectory: URL) -> [CollectionFolder] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.path)) ?? []
        return names.sorted()
            .map { CollectionFolder(dataDirectory: dataDirectory, name: $0) }
            .filter { FileManager.default.fileExists(atPath: $0.configurationURL.path) }
    }
}
