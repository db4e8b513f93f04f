import Foundation
import Logging

extension ServeSettings {
    /// The settings one layer gives (a configuration file, the environment or the command line);
    /// nil where it leaves the value to the layers below.
    public struct Overrides: Sendable, Equatable, Decodable {
        public var host: String?
        public var port: Int?
        public var data: String?
        public var models: String?
        public var defaultCollection: String?
        public var adminTokenFile: String?
        /// The token itself; only `QUARRY_ADMIN_TOKEN` gives it (a file or flag would leak it).
        public var adminToken: String? = nil
        public var maxImageMB: Int?
        public var maxImageMegapixels: Int?
        public var maxImageAspectRatio: Int?
        public var maxQueryBytes: Int?
        public var maxQueryTokens: Int?
        public var maxHeaderKB: Int?
        public var maxMultipartParts: Int?
        public var headerTimeout: Double?
        public var bodyTimeout: Double?
        public var idleTimeout: Double?
        public var insecureOpenWrites: Bool?
        public var logLevel: Logger.Level?
        public var logFormat: LogFormat?
        public var checkpointInterval: Double?
        public var driftCheckInterval: Double?
        public var driftGrowth: Double?
        public var backupIntervalHours: Double?
        public var keepBackups: Int?
        public var latencyObjectiveMilliseconds: Double?
        public var hardLimit: Int?
        public var cacheSize: Int?
        public var cacheTTL: Double?
        public var corsOrigins: [String]?
        public var clusterURL: String?
        public var nodeName: String?

        typealias CodingKeys = Key

        /// A layer that sets nothing.
        public init() {}

        /// The layer a JSON configuration file gives: one object whose keys are ``Key`` raw values.
        public init(contentsOf file: URL) throws(ServeSettingsError) {
            let data: Data
            do {
                data = try Data(contentsOf: file)
            } catch {
                throw .unreadableFile(path: file.path, reason: error.localizedDescription)
            }
            let decoder = JSONDecoder()
            do {
                let unknown = try decoder.decode(KeyList.self, from: data).keys.filter { Key(rawValue: $0) == nil }.sorted()
                if !unknown.isEmpty { throw ServeSettingsError.unknownKeys(unknown, path: file.path) }
                self = try decoder.decode(Overrides.self, from: data)
            } catch let error as ServeSettingsError {
                throw error
            } catch let DecodingError.typeMismatch(type, context), let DecodingError.valueNotFound(type, context) {
                throw Self.invalidValue(in: file, context, problem: "expected \(Self.describe(type))")
            } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
                throw Self.invalidValue(in: file, context, problem: context.debugDescription)
            } catch {
                throw .malformedFile(path: file.path, reason: Self.reason(error))
            }
        }

        /// The layer `QUARRY_*` variables give: ``Key/environmentVariable`` for each setting (lists
        /// comma-separated) and ``ServeSettings/adminTokenVariable``. Empty variables count as unset.
        public init(environment: [String: String]) throws(ServeSettingsError) {
            func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
            for key in Key.allCases {
                if let text = value(key.environmentVariable) { try set(key, text: text, source: key.environmentVariable) }
            }
            adminToken = value(ServeSettings.adminTokenVariable)
            if adminToken != nil, adminTokenFile != nil {
                throw .conflictingAdminToken(tokenVariable: ServeSettings.adminTokenVariable, fileVariable: Key.adminTokenFile.environmentVariable)
            }
        }

        /// Sets `key` from its text form (an environment variable's or a flag's value, named by `source`
        /// in errors): numbers in Swift's syntax, lists comma-separated.
        public mutating func set(_ key: Key, text: String, source: String) throws(ServeSettingsError) {
            func parse<T>(_ expected: String, _ make: (String) -> T?) throws(ServeSettingsError) -> T {
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                guard let value = make(trimmed) else { throw .invalidValue(source: source, problem: "\"\(text)\" is not \(expected)") }
                return value
            }
            switch key {
            case .host: host = text
            case .port: port = try parse("an integer", Int.init)
            case .data: data = text
            case .models: models = text
            case .defaultCollection: defaultCollection = text
            case .adminTokenFile: adminTokenFile = text
            case .maxImageMB: maxImageMB = try parse("an integer", Int.init)
            case .maxImageMegapixels: maxImageMegapixels = try parse("an integer", Int.init)
            case .maxImageAspectRatio: maxImageAspectRatio = try parse("an integer", Int.init)
            case .maxQueryBytes: maxQueryBytes = try parse("an integer", Int.init)
            case .maxQueryTokens: maxQueryTokens = try parse("an integer", Int.init)
            case .maxHeaderKB: maxHeaderKB = try parse("an integer", Int.init)
            case .maxMultipartParts: maxMultipartParts = try parse("an integer", Int.init)
            case .headerTimeout: headerTimeout = try parse("a number", Double.init)
            case .bodyTimeout: bodyTimeout = try parse("a number", Double.init)
            case .idleTimeout: idleTimeout = try parse("a number", Double.init)
            case .insecureOpenWrites: insecureOpenWrites = try parse("true or false", Bool.init)
            case .logLevel:
                logLevel = try parse("one of " + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "), Logger.Level.init(rawValue:))
            case .logFormat:
                logFormat = try parse("one of " + LogFormat.allCases.map(\.rawValue).joined(separator: ", "), LogFormat.init(rawValue:))
            case .checkpointInterval: checkpointInterval = try parse("a number", Double.init)
            case .driftCheckInterval: driftCheckInterval = try parse("a number", Double.init)
            case .driftGrowth: driftGrowth = try parse("a number", Double.init)
            case .backupIntervalHours: backupIntervalHours = try parse("a number", Double.init)
            case .keepBackups: keepBackups = try parse("an integer", Int.init)
            case .latencyObjectiveMilliseconds: latencyObjectiveMilliseconds = try parse("a number", Double.init)
            case .hardLimit: hardLimit = try parse("an integer", Int.init)
            case .cacheSize: cacheSize = try parse("an integer", Int.init)
            case .cacheTTL: cacheTTL = try parse("a number", Double.init)
            case .clusterURL: clusterURL = text
            case .nodeName: nodeName = text
            case .corsOrigins:
                corsOrigins = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
        }

        private static func invalidValue(in file: URL, _ context: DecodingError.Context, problem: String) -> ServeSettingsError {
            let key = context.codingPath.first?.stringValue ?? "?"
            return .invalidValue(source: "\"\(key)\" in \(file.path)", problem: problem)
        }

        private static func describe(_ type: Any.Type) -> String {
            switch type {
            case is Int.Type: "an integer"
            case is Double.Type: "a number"
            case is Bool.Type: "true or false"
            case is [String].Type: "a list of strings"
            default: "a string"
            }
        }

        private static func reason(_ error: any Error) -> String {
            guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
            return [context.debugDescription, context.underlyingError.map { "\($0)" }].compactMap(\.self).joined(separator: ": ")
        }
    }
}

/// The keys of a JSON object, whatever they are; anything but an object fails to decode.
private struct KeyList: Decodable {
    let keys: [String]

    init(from decoder: any Decoder) throws {
        keys = try decoder.container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue)
    }
}
