import Foundation
import Logging
import QuarryCore

extension ServeSettings {
    /// Every setting of `quarry serve`, each declared once: key, type, default, help and the
    /// values it accepts. The file key, the `QUARRY_*` variable, the flag, `--help`,
    /// `--print-config`, the checks and the README table all come from here; a setting is read
    /// as `settings.maxImageMB`, the property's name here.
    public struct Catalogue: Sendable {
        public let host = ServeSetting(
            "host", default: ServerConfiguration().host, help: "Address to bind.", check: .require("must not be empty") { !$0.isEmpty })
        public let port = ServeSetting("port", default: ServerConfiguration().port, help: "Port to listen on.", check: .between(1, 65_535))
        public let data = ServeSetting("data", default: "data", help: "Data folder with one sub-folder per collection.")
        public let models = ServeSetting("models", default: "models", help: "Folder of the model files fetched by scripts/setup.sh.")
        public let defaultCollection = ServeSetting(
            "default_collection", default: String?.none,
            help: "Collection answering the tutorial-compatible POST /text-search (unset: the first text collection)."
        )
        public let adminTokenFile = ServeSetting(
            "admin_token_file", default: String?.none,
            help: "File holding the admin bearer token for the write routes (or set \(ServeSettings.adminTokenVariable))."
        )
        public let maxImageMB = ServeSetting(
            "max_image_mb", default: RequestLimits().maxImageBytes >> 20, help: "Largest accepted image upload, in megabytes.", check: .atLeast(1)
        )
        public let maxImageMegapixels = ServeSetting(
            "max_image_megapixels", default: RequestLimits().maxImagePixels / 1_000_000,
            help: "Most pixels (width × height) of an accepted image, in megapixels.", check: .atLeast(1)
        )
        public let maxImageAspectRatio = ServeSetting(
            "max_image_aspect_ratio", default: RequestLimits().maxImageAspectRatio,
            help: "Largest ratio of an image's longer side to its shorter side.", check: .between(1, 10_000)
        )
        public let maxQueryBytes = ServeSetting(
            "max_query_bytes", default: RequestLimits().maxQueryBytes, help: "Longest accepted search query, in UTF-8 bytes.", check: .atLeast(1)
        )
        public let maxQueryTokens = ServeSetting(
            "max_query_tokens", default: RequestLimits().maxQueryTokens, help: "Longest accepted search query, in model tokens.", check: .atLeast(3)
        )
        public let maxHeaderKB = ServeSetting(
            "max_header_kb", default: RequestLimits().maxHeaderBytes >> 10,
            help: "Largest request header, and largest multipart part header, in KiB.", check: .between(1, 1_024)
        )
        public let maxMultipartParts = ServeSetting(
            "max_multipart_parts", default: RequestLimits().maxMultipartParts, help: "Most parts in one multipart upload.", check: .atLeast(1)
        )
        public let headerTimeout = ServeSetting(
            "header_timeout", default: ConnectionTimeouts().header,
            help: "Seconds from a request's first byte until its header must be complete.", check: .positive
        )
        public let bodyTimeout = ServeSetting(
            "body_timeout", default: ConnectionTimeouts().body, help: "Seconds from a request's header until its body must be complete.",
            check: .positive
        )
        public let idleTimeout = ServeSetting(
            "idle_timeout", default: ConnectionTimeouts().idle, help: "Seconds an idle connection stays open.", check: .positive)
        public let insecureOpenWrites = ServeSetting(
            "insecure_open_writes", default: false,
            help: "With no admin token, let anyone on this machine call the write routes (loopback only; for local experiments)."
        )
        public let logLevel = ServeSetting("log_level", default: Logger.Level.info, help: "Least severe level logged.")
        public let logFormat = ServeSetting("log_format", default: LogFormat.json, help: "Log lines as json (one object per line) or text.")
        public let checkpointInterval = ServeSetting(
            "checkpoint_interval", default: 60.0, help: "Seconds between checkpoints of changed indexes.", check: .positive
        )
        public let driftCheckInterval = ServeSetting(
            "drift_check_interval", default: 600.0, help: "Seconds between checks for IVF indexes to retrain; 0 turns retraining off.",
            check: .notNegative
        )
        public let driftGrowth = ServeSetting(
            "drift_growth", default: 0.5, help: "Growth since training (0.5 = 50%) after which an IVF index is retrained.", check: .positive
        )
        public let backupIntervalHours = ServeSetting(
            "backup_interval_hours", default: 24.0,
            help: "Hours between scheduled backups of each collection into <data>/.backups; 0 turns them off.", check: .notNegative
        )
        public let keepBackups = ServeSetting("keep_backups", default: 7, help: "Scheduled backups kept per collection.", check: .atLeast(1))
        public let latencyObjectiveMilliseconds = ServeSetting(
            "latency_objective_ms", default: LoadLimits().latencyObjective * 1_000,
            help:
                "The p95 search latency to keep: searches run degraded, then are refused with 503, only when the measured queueing delay would break it.",
            check: .positive
        )
        public let hardLimit = ServeSetting(
            "hard_limit", default: LoadLimits().hardLimit,
            help: "Searches in flight above which searches are refused with 503 whatever their delay, a memory bound (default: 256 per core).",
            check: .atLeast(1)
        )
        public let cacheSize = ServeSetting(
            "cache_size", default: ServerConfiguration.CacheSettings().capacity, help: "Search answers kept in the cache; 0 turns it off.",
            check: .notNegative
        )
        public let cacheTTL = ServeSetting(
            "cache_ttl", default: ServerConfiguration.CacheSettings().timeToLive, help: "Seconds a cached search answer stays valid.",
            check: .positive
        )
        public let corsOrigins = ServeSetting(
            "cors_origins", default: [String](),
            help:
                "Browser origins allowed to call the API cross-origin, like https://search.example.com (comma-separated in text; none turns CORS off).",
            check: SettingCheck { origins in
                origins.first { !ServeSettings.isOrigin($0) }.map {
                    SettingProblem(requirement: "must hold origins like https://search.example.com (no path, no trailing slash)", value: "\"\($0)\"")
                }
            }
        )
        public let clusterURL = ServeSetting(
            "cluster_url", default: String?.none,
            help: """
                Cluster mode: the PostgreSQL holding every write, like postgresql://quarry@db1,db2/quarry?target_session_attrs=read-write \
                (several hosts: the one taking writes is used). Unset, the data folder is served alone.
                """,
            check: SettingCheck { url in
                guard let url else { return nil }
                do throws(InvalidClusterURL) {
                    _ = try ClusterURL(url)
                    return nil
                } catch {
                    return SettingProblem(requirement: error.reason, value: error.url)
                }
            },
            printed: { $0.map(ClusterURL.redacted) }
        )
        public let nodeName = ServeSetting(
            "node_name", default: String?.none, help: "Cluster mode: this node's name, unique in the cluster (unset: the host name).",
            check: SettingCheck { name in
                guard let name, !CollectionConfiguration.isValidName(name) else { return nil }
                return SettingProblem(requirement: "must be 1–64 ASCII letters, digits, '-' or '_'", value: "\"\(name)\"")
            }
        )
        public let advertiseURL = ServeSetting(
            "advertise_url", default: String?.none,
            help: """
                Cluster mode: where the other nodes reach this one, like http://10.0.0.5:8080, to search the shards it holds \
                (unset: http://<host>:<port>, with this machine's name when --host binds every address).
                """,
            check: SettingCheck { url in
                guard let url else { return nil }
                guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme), parsed.host != nil, parsed.path.isEmpty,
                    parsed.query == nil, parsed.fragment == nil, parsed.user == nil
                else {
                    return SettingProblem(requirement: "must be an http(s) URL with a host and nothing after the port", value: "\"\(url)\"")
                }
                return nil
            }
        )

        /// The one catalogue.
        public static let shared = Catalogue()

        /// Every setting, in declaration order.
        public static let all: [any AnyServeSetting] = Mirror(reflecting: shared).children.compactMap { $0.value as? any AnyServeSetting }

        /// The setting with file key `key`, if there is one.
        public static func setting(key: String) -> (any AnyServeSetting)? {
            all.first { $0.key == key }
        }
    }
}
