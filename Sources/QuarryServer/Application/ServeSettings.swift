import Foundation
import Logging
import QuarryCore

/// The settings of `quarry serve`, merged from four layers, each overriding the ones before:
/// built-in defaults, a JSON configuration file, `QUARRY_*` environment variables and
/// command-line flags.
///
/// Every setting has one ``Key`` naming it in all three places: `max_image_mb` in the file,
/// `QUARRY_MAX_IMAGE_MB` in the environment, `--max-image-mb` on the command line. The admin
/// token itself is only read from `admin_token_file` or `QUARRY_ADMIN_TOKEN`, and never printed.
public struct ServeSettings: Sendable, Equatable {
    public var host = ServerConfiguration().host
    public var port = ServerConfiguration().port
    /// Data folder with one sub-folder per collection.
    public var data = "data"
    /// Folder of the model files.
    public var models = "models"
    /// Collection answering `POST /text-search`; the first text collection when nil.
    public var defaultCollection: String?
    /// File holding the admin token; nil when the token came from `QUARRY_ADMIN_TOKEN` or there is none.
    public var adminTokenFile: String?
    /// The admin bearer token (the contents of ``adminTokenFile``, or `QUARRY_ADMIN_TOKEN`).
    public var adminToken: String?
    public var maxImageMB = RequestLimits().maxImageBytes >> 20
    public var maxImageMegapixels = RequestLimits().maxImagePixels / 1_000_000
    public var maxImageAspectRatio = RequestLimits().maxImageAspectRatio
    public var maxQueryBytes = RequestLimits().maxQueryBytes
    public var maxQueryTokens = RequestLimits().maxQueryTokens
    public var maxHeaderKB = RequestLimits().maxHeaderBytes >> 10
    public var maxMultipartParts = RequestLimits().maxMultipartParts
    public var headerTimeout = ConnectionTimeouts().header
    public var bodyTimeout = ConnectionTimeouts().body
    public var idleTimeout = ConnectionTimeouts().idle
    /// Opens the write routes to anyone when no admin token is set (loopback only).
    public var insecureOpenWrites = false
    public var logLevel = Logger.Level.info
    public var logFormat = LogFormat.json
    /// Seconds between checkpoints of changed indexes.
    public var checkpointInterval = 60.0
    /// Seconds between checks for IVF indexes to retrain; 0 turns retraining off.
    public var driftCheckInterval = 600.0
    /// Growth since training (0.5 = 50%) after which an IVF index is retrained.
    public var driftGrowth = 0.5
    /// Hours between scheduled backups of each collection into `<data>/.backups`; 0 turns them off.
    public var backupIntervalHours = 24.0
    /// Scheduled backups kept per collection.
    public var keepBackups = 7
    public var latencyObjectiveMilliseconds = LoadLimits().latencyObjective * 1_000
    public var hardLimit = LoadLimits().hardLimit
    public var cacheSize = ServerConfiguration.CacheSettings().capacity
    public var cacheTTL = ServerConfiguration.CacheSettings().timeToLive
    /// Browser origins allowed to call the API cross-origin (`https://host[:port]`); empty turns CORS off.
    public var corsOrigins: [String] = []
    /// Cluster mode: the PostgreSQL holding every write (``ClusterURL``); nil serves the data folder alone.
    public var clusterURL: String?
    /// Cluster mode: this node's name, unique in the cluster; the host name when nil.
    public var nodeName: String?

    /// The built-in defaults.
    public init() {}

    /// How log lines are written.
    public enum LogFormat: String, Sendable, Codable, CaseIterable {
        /// One JSON object per line.
        case json
        /// swift-log's plain text lines.
        case text
    }

    /// A setting's name in the configuration file, the environment and on the command line.
    public enum Key: String, CaseIterable, CodingKey, Sendable {
        case host, port, data, models
        case defaultCollection = "default_collection"
        case adminTokenFile = "admin_token_file"
        case maxImageMB = "max_image_mb"
        case maxImageMegapixels = "max_image_megapixels"
        case maxImageAspectRatio = "max_image_aspect_ratio"
        case maxQueryBytes = "max_query_bytes"
        case maxQueryTokens = "max_query_tokens"
        case maxHeaderKB = "max_header_kb"
        case maxMultipartParts = "max_multipart_parts"
        case headerTimeout = "header_timeout"
        case bodyTimeout = "body_timeout"
        case idleTimeout = "idle_timeout"
        case insecureOpenWrites = "insecure_open_writes"
        case logLevel = "log_level"
        case logFormat = "log_format"
        case checkpointInterval = "checkpoint_interval"
        case driftCheckInterval = "drift_check_interval"
        case driftGrowth = "drift_growth"
        case backupIntervalHours = "backup_interval_hours"
        case keepBackups = "keep_backups"
        case latencyObjectiveMilliseconds = "latency_objective_ms"
        case hardLimit = "hard_limit"
        case cacheSize = "cache_size"
        case cacheTTL = "cache_ttl"
        case corsOrigins = "cors_origins"
        case clusterURL = "cluster_url"
        case nodeName = "node_name"

        /// The environment variable setting it: `QUARRY_` and the key in capitals.
        public var environmentVariable: String { "QUARRY_" + rawValue.uppercased() }

        /// The command-line flag setting it: the key with dashes.
        public var flag: String { "--" + rawValue.replacingOccurrences(of: "_", with: "-") }
    }

    /// The environment variable holding the admin token itself.
    public static let adminTokenVariable = "QUARRY_ADMIN_TOKEN"
    /// The environment variable naming the configuration file when `--config` is not given.
    public static let configFileVariable = "QUARRY_CONFIG"

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
        if let value = overrides.host { host = value }
        if let value = overrides.port { port = value }
        if let value = overrides.data { data = value }
        if let value = overrides.models { models = value }
        if let value = overrides.defaultCollection { defaultCollection = value }
        if let value = overrides.adminTokenFile { (adminTokenFile, adminToken) = (value, nil) }
        if let value = overrides.adminToken { (adminTokenFile, adminToken) = (nil, value) }
        if let value = overrides.maxImageMB { maxImageMB = value }
        if let value = overrides.maxImageMegapixels { maxImageMegapixels = value }
        if let value = overrides.maxImageAspectRatio { maxImageAspectRatio = value }
        if let value = overrides.maxQueryBytes { maxQueryBytes = value }
        if let value = overrides.maxQueryTokens { maxQueryTokens = value }
        if let value = overrides.maxHeaderKB { maxHeaderKB = value }
        if let value = overrides.maxMultipartParts { maxMultipartParts = value }
        if let value = overrides.headerTimeout { headerTimeout = value }
        if let value = overrides.bodyTimeout { bodyTimeout = value }
        if let value = overrides.idleTimeout { idleTimeout = value }
        if let value = overrides.insecureOpenWrites { insecureOpenWrites = value }
        if let value = overrides.logLevel { logLevel = value }
        if let value = overrides.logFormat { logFormat = value }
        if let value = overrides.checkpointInterval { checkpointInterval = value }
        if let value = overrides.driftCheckInterval { driftCheckInterval = value }
        if let value = overrides.driftGrowth { driftGrowth = value }
        if let value = overrides.backupIntervalHours { backupIntervalHours = value }
        if let value = overrides.keepBackups { keepBackups = value }
        if let value = overrides.latencyObjectiveMilliseconds { latencyObjectiveMilliseconds = value }
        if let value = overrides.hardLimit { hardLimit = value }
        if let value = overrides.cacheSize { cacheSize = value }
        if let value = overrides.cacheTTL { cacheTTL = value }
        if let value = overrides.corsOrigins { corsOrigins = value }
        if let value = overrides.clusterURL { clusterURL = value }
        if let value = overrides.nodeName { nodeName = value }
    }

    private mutating func readAdminTokenFile() throws(ServeSettingsError) {
        guard let adminTokenFile else { return }
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
        func require(_ condition: Bool, _ key: Key, _ requirement: String, _ value: Any) throws(ServeSettingsError) {
            if !condition { throw .outOfRange(key: key, requirement: requirement, value: "\(value)") }
        }
        try require(!host.isEmpty, .host, "must not be empty", "\"\"")
        try require((1...65_535).contains(port), .port, "must be between 1 and 65535", port)
        try require(maxImageMB >= 1, .maxImageMB, "must be at least 1", maxImageMB)
        try require(maxImageMegapixels >= 1, .maxImageMegapixels, "must be at least 1", maxImageMegapixels)
        try require((1...10_000).contains(maxImageAspectRatio), .maxImageAspectRatio, "must be between 1 and 10000", maxImageAspectRatio)
        try require(maxQueryBytes >= 1, .maxQueryBytes, "must be at least 1", maxQueryBytes)
        try require(maxQueryTokens >= 3, .maxQueryTokens, "must be at least 3", maxQueryTokens)
        try require((1...1_024).contains(maxHeaderKB), .maxHeaderKB, "must be between 1 and 1024", maxHeaderKB)
        try require(maxMultipartParts >= 1, .maxMultipartParts, "must be at least 1", maxMultipartParts)
        try require(headerTimeout > 0, .headerTimeout, "must be positive", headerTimeout)
        try require(bodyTimeout > 0, .bodyTimeout, "must be positive", bodyTimeout)
        try require(idleTimeout > 0, .idleTimeout, "must be positive", idleTimeout)
        try require(checkpointInterval > 0, .checkpointInterval, "must be positive", checkpointInterval)
        try require(driftCheckInterval >= 0, .driftCheckInterval, "must not be negative", driftCheckInterval)
        try require(driftGrowth > 0, .driftGrowth, "must be positive", driftGrowth)
        try require(backupIntervalHours >= 0, .backupIntervalHours, "must not be negative", backupIntervalHours)
        try require(keepBackups >= 1, .keepBackups, "must be at least 1", keepBackups)
        try require(latencyObjectiveMilliseconds > 0, .latencyObjectiveMilliseconds, "must be positive", latencyObjectiveMilliseconds)
        try require(hardLimit >= 1, .hardLimit, "must be at least 1", hardLimit)
        try require(cacheSize >= 0, .cacheSize, "must not be negative", cacheSize)
        try require(cacheTTL > 0, .cacheTTL, "must be positive", cacheTTL)
        for origin in corsOrigins where !Self.isOrigin(origin) {
            throw .outOfRange(
                key: .corsOrigins, requirement: "must hold origins like https://search.example.com (no path, no trailing slash)",
                value: "\"\(origin)\""
            )
        }
        if let clusterURL {
            do {
                _ = try ClusterURL(clusterURL)
            } catch {
                throw .outOfRange(key: .clusterURL, requirement: error.reason, value: error.url)
            }
        }
        if let nodeName, !CollectionConfiguration.isValidName(nodeName) {
            throw .outOfRange(key: .nodeName, requirement: "must be 1–64 ASCII letters, digits, '-' or '_'", value: "\"\(nodeName)\"")
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
        limits.maxImageBytes = maxImageMB << 20
        limits.maxImagePixels = maxImageMegapixels * 1_000_000
        limits.maxImageAspectRatio = maxImageAspectRatio
        limits.maxQueryBytes = maxQueryBytes
        limits.maxQueryTokens = maxQueryTokens
        limits.maxHeaderBytes = maxHeaderKB << 10
        limits.maxMultipartParts = maxMultipartParts
        return ServerConfiguration(
            host: host, port: port, dataDirectory: URL(fileURLWithPath: data), modelsDirectory: URL(fileURLWithPath: models),
            defaultTextCollection: defaultCollection, limits: limits, adminToken: adminToken,
            load: LoadLimits(latencyObjective: latencyObjectiveMilliseconds / 1_000, hardLimit: hardLimit),
            cache: .init(capacity: cacheSize, timeToLive: cacheTTL), corsOrigins: corsOrigins,
            insecureOpenWrites: insecureOpenWrites, timeouts: ConnectionTimeouts(header: headerTimeout, body: bodyTimeout, idle: idleTimeout)
        )
    }
}

extension ServeSettings: Encodable {
    /// Writes every setting under its file key, `null` where unset, and `admin_token` as `"***"`
    /// when there is a token: the token itself is never written.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        // An optional value is encoded as itself or null.
        func put(_ value: some Encodable, _ key: Key) throws {
            try container.encode(value, forKey: AnyCodingKey(key.rawValue))
        }
        try put(host, .host)
        try put(port, .port)
        try put(data, .data)
        try put(models, .models)
        try put(defaultCollection, .defaultCollection)
        try put(adminTokenFile, .adminTokenFile)
        try container.encode(adminToken.map { _ in "***" }, forKey: AnyCodingKey("admin_token"))
        try put(maxImageMB, .maxImageMB)
        try put(maxImageMegapixels, .maxImageMegapixels)
        try put(maxImageAspectRatio, .maxImageAspectRatio)
        try put(maxQueryBytes, .maxQueryBytes)
        try put(maxQueryTokens, .maxQueryTokens)
        try put(maxHeaderKB, .maxHeaderKB)
        try put(maxMultipartParts, .maxMultipartParts)
        try put(headerTimeout, .headerTimeout)
        try put(bodyTimeout, .bodyTimeout)
        try put(idleTimeout, .idleTimeout)
        try put(insecureOpenWrites, .insecureOpenWrites)
        try put(logLevel, .logLevel)
        try put(logFormat, .logFormat)
        try put(checkpointInterval, .checkpointInterval)
        try put(driftCheckInterval, .driftCheckInterval)
        try put(driftGrowth, .driftGrowth)
        try put(backupIntervalHours, .backupIntervalHours)
        try put(keepBackups, .keepBackups)
        try put(latencyObjectiveMilliseconds, .latencyObjectiveMilliseconds)
        try put(hardLimit, .hardLimit)
        try put(cacheSize, .cacheSize)
        try put(cacheTTL, .cacheTTL)
        try put(corsOrigins, .corsOrigins)
        try put(clusterURL.map(ClusterURL.redacted), .clusterURL)
        try put(nodeName, .nodeName)
    }

    /// The settings as pretty, key-sorted JSON for `quarry serve --print-config`, the token redacted.
    public var printedJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, numbers and arrays of strings cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// A coding key for any string: the configuration file's keys before they are checked.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ stringValue: String) { self.stringValue = stringValue }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
