import Foundation
import Logging
import QuarryCore

/// The settings of `quarry serve`, merged from four layers, each overriding the ones before:
/// built-in defaults, a JSON configuration file, `QUARRY_*` environment variables and
/// command-line flags.
///
/// Each setting is declared once, in ``Catalogue``, and read by its name there:
/// `settings.maxImageMB`. The admin token itself is only read from `admin_token_file` or
/// `QUARRY_ADMIN_TOKEN`, and never printed.
@dynamicMemberLookup
public struct ServeSettings: Sendable {
    /// The values set, by key; a setting not here has its default.
    private var values: [String: any SettingValue] = [:]
    /// The admin bearer token (the contents of `admin_token_file`, or `QUARRY_ADMIN_TOKEN`).
    public var adminToken: String?

    /// The built-in defaults.
    public init() {}

    /// How log lines are written.
    public enum LogFormat: String, Sendable, Codable, CaseIterable, NamedSettingValue {
        /// One JSON object per line.
        case json
        /// swift-log's plain text lines.
        case text
    }

    /// The environment variable holding the admin token itself.
    public static let adminTokenVariable = "QUARRY_ADMIN_TOKEN"
    /// The environment variable naming the configuration file when `--config` is not given.
    public static let configFileVariable = "QUARRY_CONFIG"

    /// The value of `setting`.
    public subscript<Value>(setting: ServeSetting<Value>) -> Value {
        get { values[setting.key].flatMap { $0 as? Value } ?? setting.defaultValue }
        set { values[setting.key] = newValue }
    }

    /// The value of the setting ``Catalogue`` declares under that name.
    public subscript<Value>(dynamicMember path: KeyPath<Catalogue, ServeSetting<Value>>) -> Value {
        get { self[Catalogue.shared[keyPath: path]] }
        set { self[Catalogue.shared[keyPath: path]] = newValue }
    }

    /// The settings in effect: the defaults, overridden by `configFile` (or the file `QUARRY_CONFIG`
    /// names), by `environment`, then by `flags`. Reads the admin token file and checks every value.
    public static func resolve(
        configFile: String?, environment: [String: String], flags: Overrides
    ) throws(ServeSettingsError) -> ServeSettings {
        var settings = ServeSettings()
        if let file = configFile ?? environment[configFileVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            settings.apply(try Overrides(contentsOf: URL(fileURLWithPath: file)))
        }
        settings.apply(try Overrides(environment: environment))
        settings.apply(flags)
        try settings.readAdminTokenFile()
        try settings.validate()
        return settings
    }

    /// Sets every value `overrides` holds; a token or a token file replaces whichever was set before.
    public mutating func apply(_ overrides: Overrides) {
        values.merge(overrides.values) { _, new in new }
        if overrides.values[Catalogue.shared.adminTokenFile.key] != nil { adminToken = nil }
        if let token = overrides.adminToken { (self.adminTokenFile, adminToken) = (nil, token) }
    }

    private mutating func readAdminTokenFile() throws(ServeSettingsError) {
        guard let adminTokenFile = self.adminTokenFile else { return }
        let contents: String
        do {
            contents = try String(contentsOfFile: adminTokenFile, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: adminTokenFile, reason: error.localizedDescription)
        }
        adminToken = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        if adminToken?.isEmpty == true { throw .emptyAdminTokenFile(path: adminTokenFile) }
    }

    /// Refuses values out of range; the error names the setting's key, flag and variable.
    public func validate() throws(ServeSettingsError) {
        for setting in Catalogue.all {
            if let problem = setting.problem(in: self) {
                throw .outOfRange(key: setting.key, requirement: problem.requirement, value: problem.value)
            }
        }
    }

    /// Whether `text` is what browsers send in `Origin`: `http(s)://host[:port]`, nothing more.
    static func isOrigin(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme, let host = components.host else { return false }
        return ["http", "https"].contains(scheme) && !host.isEmpty && components.path.isEmpty && components.query == nil
            && components.fragment == nil && components.user == nil
    }

    /// The server configuration these settings describe.
    public var serverConfiguration: ServerConfiguration {
        var limits = RequestLimits()
        limits.maxImageBytes = self.maxImageMB << 20
        limits.maxImagePixels = self.maxImageMegapixels * 1_000_000
        limits.maxImageAspectRatio = self.maxImageAspectRatio
        limits.maxQueryBytes = self.maxQueryBytes
        limits.maxQueryTokens = self.maxQueryTokens
        limits.maxHeaderBytes = self.maxHeaderKB << 10
        limits.maxMultipartParts = self.maxMultipartParts
        return ServerConfiguration(
            host: self.host, port: self.port, dataDirectory: URL(fileURLWithPath: self.data), modelsDirectory: URL(fileURLWithPath: self.models),
            defaultTextCollection: self.defaultCollection, limits: limits, adminToken: self.adminToken,
            load: LoadLimits(latencyObjective: self.latencyObjectiveMilliseconds / 1_000, hardLimit: self.hardLimit),
            cache: .init(capacity: self.cacheSize, timeToLive: self.cacheTTL), corsOrigins: self.corsOrigins,
            insecureOpenWrites: self.insecureOpenWrites,
            timeouts: ConnectionTimeouts(header: self.headerTimeout, body: self.bodyTimeout, idle: self.idleTimeout)
        )
    }
}

extension ServeSettings: Equatable {
    public static func == (first: ServeSettings, second: ServeSettings) -> Bool {
        first.adminToken == second.adminToken && Catalogue.all.allSatisfy { $0.sameValue(first, second) }
    }
}

/// A coding key for any string: the configuration file's keys before they are checked.
public struct AnyCodingKey: CodingKey {
    public let stringValue: String
    public var intValue: Int? { nil }

    init(_ stringValue: String) { self.stringValue = stringValue }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}
