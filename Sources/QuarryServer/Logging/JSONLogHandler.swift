import Foundation
import Logging

/// A swift-log handler writing one JSON object per line: `time` (ISO 8601 in
/// UTC, with milliseconds), `level`, `label`, `message`, `error` when the event
/// carries one, then every metadata key as a string. Nested metadata is
/// flattened with dotted keys (`a.b`); arrays are written as their description (`["x", "y"]`).
///
/// ```swift
/// LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
/// ```
public struct JSONLogHandler: LogHandler {
    /// Where the lines go.
    public enum Output: Sendable {
        case standardOutput
        case standardError
        /// Each line (without its newline) is handed to the closure.
        case lines(@Sendable (String) -> Void)
    }

    public let label: String
    public let output: Output
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(
        label: String, logLevel: Logger.Level = .info, output: Output = .standardOutput,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.logLevel = logLevel
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        merged.merge(metadataProvider?.get() ?? [:]) { _, new in new }
        merged.merge(event.metadata ?? [:]) { _, new in new }
        let line = Self.line(
            time: Date(), level: event.level, label: label, message: "\(event.message)",
            error: event.error.map { "\($0)" }, metadata: merged
        )
        switch output {
        case .standardOutput: FileHandle.standardOutput.write(Data((line + "\n").utf8))
        case .standardError: FileHandle.standardError.write(Data((line + "\n").utf8))
        case .lines(let write): write(line)
        }
    }

    /// One log line: the fixed fields first, then the flattened metadata sorted by key.
    /// A metadata key named like a fixed field is dropped.
    static func line(time: Date, level: Logger.Level, label: String, message: String, error: String?, metadata: Logger.Metadata) -> String {
        var fields = [("time", time.formatted(timeFormat)), ("level", level.rawValue), ("label", label), ("message", message)]
        if let error { fields.append(("error", error)) }
        let fixed = Set(fields.map { $0.0 })
        var flat: [String: String] = [:]
        flatten(metadata, prefix: "", into: &flat)
        fields += flat.filter { !fixed.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return "{" + fields.map { "\(quoted($0.0)):\(quoted($0.1))" }.joined(separator: ",") + "}"
    }

    static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    static func flatten(_ metadata: Logger.Metadata, prefix: String, into flat: inout [String: String]) {
        for (key, value) in metadata {
            switch value {
            case .dictionary(let nested): flatten(nested, prefix: prefix + key + ".", into: &flat)
            default: flat[prefix + key] = value.description
            }
        }
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
