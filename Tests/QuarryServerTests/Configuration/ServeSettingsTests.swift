import Foundation
import Logging
import QuarryServer
import Testing

@Suite struct ServeSettingsTests {
    /// A file in a fresh temporary folder, removed by the caller.
    func temporaryFile(_ contents: String, name: String = "quarry.json") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name)
        try contents.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    func remove(_ file: URL) {
        try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
    }

    /// The settings error `body` throws; nil when it throws none (any other error fails the test).
    func error(_ body: () throws -> Void) -> ServeSettingsError? {
        do {
            try body()
            return nil
        } catch let error as ServeSettingsError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func defaultsMatchTheServerDefaults() throws {
        let settings = try ServeSettings.resolve(configFile: nil, environment: [:], flags: .init())
        #expect(settings == ServeSettings())
        #expect(settings.serverConfiguration == ServerConfiguration())
        #expect(settings.corsOrigins.isEmpty && settings.adminToken == nil && settings.logFormat == .json)
    }

    @Test func flagsBeatEnvironmentBeatsFileBeatsDefaults() throws {
        let file = try temporaryFile(
            #"""
            {"host": "10.0.0.1", "port": 9000, "data": "/srv/quarry", "cache_size": 7, "log_level": "debug",
             "cors_origins": ["https://file.example"], "drift_growth": 0.25}
            """#)
        defer { remove(file) }
        let environment = ["QUARRY_PORT": "9100", "QUARRY_DATA": "/var/lib/quarry", "QUARRY_LOG_LEVEL": "warning", "QUARRY_HOST": ""]
        var flags = ServeSettings.Overrides()
        flags.data = "/flag/data"
        let settings = try ServeSettings.resolve(configFile: file.path, environment: environment, flags: flags)
        #expect(settings.host == "10.0.0.1")  // the file (an empty variable counts as unset)
        #expect(settings.port == 9100)  // the environment over the file
        #expect(settings.data == "/flag/data")  // the flag over both
        #expect(settings.cacheSize == 7 && settings.driftGrowth == 0.25 && settings.logLevel == .warning)
        #expect(settings.corsOrigins == ["https://file.example"])
        #expect(settings.models == "models" && settings.cacheTTL == 300)  // the defaults where nothing is said
        #expect(settings.serverConfiguration.corsOrigins == ["https://file.example"])
    }

    @Test func theConfigVariableNamesTheFileWhenNoFlagDoes() throws {
        let file = try temporaryFile(#"{"port": 9200}"#)
        defer { remove(file) }
        let viaVariable = try ServeSettings.resolve(configFile: nil, environment: ["QUARRY_CONFIG": file.path], flags: .init())
        #expect(viaVariable.port == 9200)
        let viaFlag = error {
            _ = try ServeSettings.resolve(configFile: "/nonexistent/quarry.json", environment: ["QUARRY_CONFIG": file.path], flags: .init())
        }
        guard case .unreadableFile(let path, _) = viaFlag else {
            Issue.record("--config should win over QUARRY_CONFIG, got \(String(describing: viaFlag))")
            return
        }
        #expect(path == "/nonexistent/quarry.json")
    }

    @Test func everyKeyHasAVariableAndAFlag() {
        let catalogue = ServeSettings.Catalogue.shared
        #expect(catalogue.maxImageMB.environmentVariable == "QUARRY_MAX_IMAGE_MB")
        #expect(catalogue.cacheTTL.flag == "--cache-ttl")
        #expect(catalogue.corsOrigins.environmentVariable == "QUARRY_CORS_ORIGINS")
        #expect(catalogue.backupIntervalHours.environmentVariable == "QUARRY_BACKUP_INTERVAL_HOURS")
        #expect(catalogue.keepBackups.flag == "--keep-backups")
        #expect(catalogue.insecureOpenWrites.flag == "--insecure-open-writes")
        #expect(catalogue.maxHeaderKB.environmentVariable == "QUARRY_MAX_HEADER_KB")
        #expect(catalogue.advertiseURL.flag == "--advertise-url")
        #expect(ServeSettings.Catalogue.all.count == 32)
        #expect(Set(ServeSettings.Catalogue.all.map(\.key)).count == 32, "two settings share a key")
    }

    @Test func flagsAreReadFromTheCommandLine() throws {
        let flags = try ServeSettings.Overrides(arguments: [
            "--port", "9000", "--max-image-mb=12", "--insecure-open-writes", "--cors-origins", "https://a.example,https://b.example",
            "--cache-size", "-1", "--default-collection", "course",
        ])
        #expect(flags.port == 9000 && flags.maxImageMB == 12 && flags.insecureOpenWrites == true && flags.cacheSize == -1)
        #expect(flags.corsOrigins == ["https://a.example", "https://b.example"] && flags.defaultCollection == "course")
        #expect(flags.host == nil)
        #expect(try ServeSettings.Overrides(arguments: ["--insecure-open-writes=false"]).insecureOpenWrites == false)
        #expect(error { _ = try ServeSettings.Overrides(arguments: ["--colour", "blue"]) } == .unknownFlag("--colour"))
        #expect(error { _ = try ServeSettings.Overrides(arguments: ["9000"]) } == .unknownFlag("9000"))
        #expect(
            error { _ = try ServeSettings.Overrides(arguments: ["--port"]) }
                == .invalidValue(source: "--port", problem: "needs a value (an integer)"))
        #expect(
            error { _ = try ServeSettings.Overrides(arguments: ["--port", "eighty"]) }
                == .invalidValue(source: "--port", problem: "\"eighty\" is not an integer"))
    }

    @Test func helpAndTheReadmeTableListEverySetting() throws {
        for setting in ServeSettings.Catalogue.all {
            #expect(ServeSettings.helpText.contains("  \(setting.flag)") && ServeSettings.helpText.contains(setting.environmentVariable))
            #expect(ServeSettings.markdownTable.contains("`\(setting.key)`"))
        }
        #expect(ServeSettings.helpText.split(separator: "\n").allSatisfy { $0.count <= 78 })
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../README.md").standardizedFileURL
        let text = try String(contentsOf: readme, encoding: .utf8)
        #expect(
            text.contains(ServeSettings.markdownTable + "\n"),
            "README.md's settings table is stale: paste `quarry serve --print-settings-table` into it")
    }

    @Test func aNullInTheFileLeavesAnOptionalSettingUnset() throws {
        let file = try temporaryFile(#"{"default_collection": null, "node_name": "node-2"}"#)
        defer { remove(file) }
        let settings = try ServeSettings.resolve(configFile: file.path, environment: [:], flags: .init())
        #expect(settings.defaultCollection == nil && settings.nodeName == "node-2")
        var flags = ServeSettings.Overrides()
        flags.defaultCollection = "course"
        #expect(try ServeSettings.resolve(configFile: file.path, environment: [:], flags: flags).defaultCollection == "course")
    }

    @Test func theClusterURLIsCheckedAndItsPasswordNeverPrinted() throws {
        let url = "postgresql://quarry:hunter2@db1:5432,db2:5432/quarry?target_session_attrs=read-write"
        let settings = try ServeSettings.resolve(
            configFile: nil, environment: ["QUARRY_CLUSTER_URL": url, "QUARRY_NODE_NAME": "node-1"], flags: .init()
        )
        #expect(settings.clusterURL == url && settings.nodeName == "node-1")
        #expect(!settings.printedJSON.contains("hunter2"))
        #expect(settings.printedJSON.contains("quarry:***@db1:5432,db2:5432"))
        #expect(
            try ServeSettings.resolve(configFile: nil, environment: ["QUARRY_ADVERTISE_URL": "http://10.0.0.5:8081"], flags: .init())
                .advertiseURL == "http://10.0.0.5:8081")
        for (variable, value) in [
            ("QUARRY_CLUSTER_URL", "mysql://quarry@db1/quarry"), ("QUARRY_NODE_NAME", "node one"),
            ("QUARRY_ADVERTISE_URL", "10.0.0.5:8081"), ("QUARRY_ADVERTISE_URL", "http://node1:8081/quarry"),
            ("QUARRY_ADVERTISE_URL", "http://node1:8081?x=1"),
        ] {
            #expect(throws: ServeSettingsError.self) {
                _ = try ServeSettings.resolve(configFile: nil, environment: [variable: value], flags: .init())
            }
        }
    }

    @Test func hostileInputLimitsAndTimeoutsReachTheServerConfiguration() throws {
        let overrides = try ServeSettings.Overrides(environment: [
            "QUARRY_MAX_QUERY_BYTES": "2048", "QUARRY_MAX_QUERY_TOKENS": "256", "QUARRY_MAX_IMAGE_ASPECT_RATIO": "8",
            "QUARRY_MAX_HEADER_KB": "16", "QUARRY_MAX_MULTIPART_PARTS": "4", "QUARRY_HEADER_TIMEOUT": "2.5",
            "QUARRY_BODY_TIMEOUT": "30", "QUARRY_IDLE_TIMEOUT": "15", "QUARRY_INSECURE_OPEN_WRITES": "true",
        ])
        var settings = ServeSettings()
        settings.apply(overrides)
        let configuration = settings.serverConfiguration
        #expect(configuration.limits.maxQueryBytes == 2_048 && configuration.limits.maxQueryTokens == 256)
        #expect(configuration.limits.maxImageAspectRatio == 8 && configuration.limits.imageDecoder.maxAspectRatio == 8)
        #expect(configuration.limits.maxHeaderBytes == 16 << 10 && configuration.limits.maxMultipartParts == 4)
        #expect(configuration.timeouts == ConnectionTimeouts(header: 2.5, body: 30, idle: 15))
        #expect(configuration.writeAccess == .open)
        #expect(ServeSettings().serverConfiguration.writeAccess == .closed)
        #expect(throws: ServeSettingsError.self) {
            _ = try ServeSettings.Overrides(environment: ["QUARRY_INSECURE_OPEN_WRITES": "yes please"])
        }
        var invalid = ServeSettings()
        invalid.headerTimeout = 0
        #expect(throws: ServeSettingsError.self) { try invalid.validate() }
    }

    @Test func environmentValuesAreParsed() throws {
        let overrides = try ServeSettings.Overrides(environment: [
            "QUARRY_CORS_ORIGINS": "https://a.example, http://localhost:3000,", "QUARRY_LATENCY_OBJECTIVE_MS": "250", "QUARRY_HARD_LIMIT": " 32 ",
            "QUARRY_CACHE_TTL": "1.5", "QUARRY_LOG_FORMAT": "text", "UNRELATED": "x",
        ])
        #expect(overrides.corsOrigins == ["https://a.example", "http://localhost:3000"])
        #expect(
            overrides.latencyObjectiveMilliseconds == 250 && overrides.hardLimit == 32 && overrides.cacheTTL == 1.5 && overrides.logFormat == .text)
        #expect(overrides.host == nil && overrides.adminToken == nil)
    }

    @Test func unknownKeysAreNamedWithTheFile() throws {
        let file = try temporaryFile(#"{"port": 8081, "colour": "blue", "admin_token": "secret-secret-secret"}"#)
        defer { remove(file) }
        let failure = error { _ = try ServeSettings.resolve(configFile: file.path, environment: [:], flags: .init()) }
        #expect(failure == .unknownKeys(["admin_token", "colour"], path: file.path))
        let message = failure?.description ?? ""
        #expect(message.contains("\"colour\"") && message.contains(file.path) && message.contains("admin_token_file"))
        #expect(!message.contains("secret-secret-secret"))
    }

    @Test func badValuesGetClearErrors() throws {
        let wrongType = try temporaryFile(#"{"port": "eighty"}"#)
        defer { remove(wrongType) }
        #expect(
            error { _ = try ServeSettings.Overrides(contentsOf: wrongType) }
                == .invalidValue(source: "\"port\" in \(wrongType.path)", problem: "expected an integer"))

        let badLevel = try temporaryFile(#"{"log_level": "loud"}"#)
        defer { remove(badLevel) }
        let levelError = error { _ = try ServeSettings.Overrides(contentsOf: badLevel) }
        #expect(levelError?.description.hasPrefix("\"log_level\" in \(badLevel.path):") == true)

        let notJSON = try temporaryFile("port = 8080")
        defer { remove(notJSON) }
        guard case .malformedFile(let path, _) = error({ _ = try ServeSettings.Overrides(contentsOf: notJSON) }) else {
            Issue.record("a TOML-looking file should be malformed JSON")
            return
        }
        #expect(path == notJSON.path)
        guard case .unreadableFile = error({ _ = try ServeSettings.Overrides(contentsOf: URL(fileURLWithPath: "/nonexistent/q.json")) }) else {
            Issue.record("a missing file should be unreadable")
            return
        }

        #expect(
            error { _ = try ServeSettings.Overrides(environment: ["QUARRY_PORT": "80a"]) }
                == .invalidValue(source: "QUARRY_PORT", problem: "\"80a\" is not an integer"))
        #expect(
            error { _ = try ServeSettings.Overrides(environment: ["QUARRY_LOG_LEVEL": "loud"]) }?.description
                == "QUARRY_LOG_LEVEL: \"loud\" is not one of trace, debug, info, notice, warning, error, critical")
        var flags = ServeSettings.Overrides()
        #expect(
            error { try flags.set(ServeSettings.Catalogue.shared.logFormat, text: "xml", source: "--log-format") }
                == .invalidValue(source: "--log-format", problem: "\"xml\" is not one of json, text"))
    }

    @Test func outOfRangeValuesNameKeyFlagAndVariable() {
        let cases: [([String: String], String)] = [
            (["QUARRY_PORT": "0"], "port"), (["QUARRY_MAX_IMAGE_MB": "0"], "max_image_mb"), (["QUARRY_CACHE_TTL": "0"], "cache_ttl"),
            (["QUARRY_HARD_LIMIT": "0"], "hard_limit"), (["QUARRY_LATENCY_OBJECTIVE_MS": "0"], "latency_objective_ms"),
            (["QUARRY_CACHE_SIZE": "-1"], "cache_size"), (["QUARRY_CORS_ORIGINS": "https://search.example/"], "cors_origins"),
            (["QUARRY_CORS_ORIGINS": "*"], "cors_origins"),
        ]
        for (environment, key) in cases {
            let failure = error { _ = try ServeSettings.resolve(configFile: nil, environment: environment, flags: .init()) }
            guard case .outOfRange(let failedKey, _, _) = failure else {
                Issue.record("\(environment) should be out of range, got \(String(describing: failure))")
                continue
            }
            #expect(failedKey == key)
            #expect(failure?.description.contains(ServeSettings.flag(forKey: key)) == true)
            #expect(failure?.description.contains(ServeSettings.environmentVariable(forKey: key)) == true)
        }
    }

    @Test func theTokenComesFromTheHighestLayerAndIsRedacted() throws {
        let tokenFile = try temporaryFile("file-token-0123456789\n", name: "token")
        defer { remove(tokenFile) }
        let config = try temporaryFile(#"{"admin_token_file": "\#(tokenFile.path)"}"#)
        defer { remove(config) }
        let fromFile = try ServeSettings.resolve(configFile: config.path, environment: [:], flags: .init())
        #expect(fromFile.adminToken == "file-token-0123456789" && fromFile.adminTokenFile == tokenFile.path)

        let fromVariable = try ServeSettings.resolve(
            configFile: config.path, environment: ["QUARRY_ADMIN_TOKEN": "env-token-0123456789"], flags: .init()
        )
        #expect(fromVariable.adminToken == "env-token-0123456789" && fromVariable.adminTokenFile == nil)

        var flags = ServeSettings.Overrides()
        flags.adminTokenFile = tokenFile.path
        let fromFlag = try ServeSettings.resolve(configFile: nil, environment: ["QUARRY_ADMIN_TOKEN": "env-token-0123456789"], flags: flags)
        #expect(fromFlag.adminToken == "file-token-0123456789")

        #expect(
            error { _ = try ServeSettings.Overrides(environment: ["QUARRY_ADMIN_TOKEN": "a", "QUARRY_ADMIN_TOKEN_FILE": "b"]) }
                == .conflictingAdminToken(tokenVariable: "QUARRY_ADMIN_TOKEN", fileVariable: "QUARRY_ADMIN_TOKEN_FILE"))

        let printed = fromVariable.printedJSON
        #expect(!printed.contains("env-token-0123456789"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any])
        #expect(object["admin_token"] as? String == "***")
        #expect(object["admin_token_file"] is NSNull && object["default_collection"] is NSNull)
        #expect(object["port"] as? Int == 8080 && object["log_level"] as? String == "info")
        #expect(Set(object.keys) == Set(ServeSettings.Catalogue.all.map(\.key) + ["admin_token"]))
        let untokened = try #require(try JSONSerialization.jsonObject(with: Data(ServeSettings().printedJSON.utf8)) as? [String: Any])
        #expect(untokened["admin_token"] is NSNull)
    }

    @Test func anEmptyTokenFileIsRefused() throws {
        let tokenFile = try temporaryFile("  \n", name: "token")
        defer { remove(tokenFile) }
        #expect(
            error { _ = try ServeSettings.resolve(configFile: nil, environment: ["QUARRY_ADMIN_TOKEN_FILE": tokenFile.path], flags: .init()) }
                == .emptyAdminTokenFile(path: tokenFile.path))
    }

    @Test func thePrintedConfigurationWithoutTheTokenReadsBackAsAFile() throws {
        var settings = ServeSettings()
        settings.port = 9300
        settings.corsOrigins = ["https://a.example"]
        var object = try #require(try JSONSerialization.jsonObject(with: Data(settings.printedJSON.utf8)) as? [String: Any])
        object["admin_token"] = nil
        let file = try temporaryFile(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        defer { remove(file) }
        #expect(try ServeSettings.resolve(configFile: file.path, environment: [:], flags: .init()) == settings)
    }
}
