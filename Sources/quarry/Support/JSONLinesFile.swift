import Foundation

/// Reports written as JSON Lines: one object per line, keys sorted.
enum JSONLinesFile {
    /// Writes `values`, one per line, to `url`, replacing it atomically.
    static func write(_ values: [some Encodable], to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let lines = try values.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }
        try Data(lines.joined().utf8).write(to: url, options: .atomic)
    }
}
