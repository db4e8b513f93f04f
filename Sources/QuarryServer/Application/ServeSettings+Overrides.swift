import Foundation

extension ServeSettings {
    /// The settings one layer gives (a configuration file, the environment or the command line);
    /// a setting it does not hold is left to the layers below. Read and set a value by its
    /// ``Catalogue`` name: `overrides.port = 9000`.
    @dynamicMemberLookup
    public struct Overrides: Sendable {
        /// The values this layer sets, by key.
        var values: [String: any SettingValue] = [:]
        /// The token itself; only `QUARRY_ADMIN_TOKEN` gives it (a file or flag would leak it).
        public var adminToken: String?

        /// A layer that sets nothing.
        public init() {}

        /// The value this layer gives the setting ``Catalogue`` declares under that name, if any.
        public subscript<Value>(dynamicMember path: KeyPath<Catalogue, ServeSetting<Value>>) -> Value? {
            get { values[Catalogue.shared[keyPath: path].key].flatMap { $0 as? Value } }
            set { values[Catalogue.shared[keyPath: path].key] = newValue.map { $0 as any SettingValue } }
        }

        /// The layer a JSON configuration file gives: one object whose keys are the settings' keys.
        public init(contentsOf file: URL) throws(ServeSettingsError) {
            let data: Data
            do {
                data = try Data(contentsOf: file)
            } catch {
                throw .unreadableFile(path: file.path, reason: error.localizedDescription)
            }
            let decoder = JSONDecoder()
            do {
                let unknown = try decoder.decode(KeyList.self, from: data).keys.filter { Catalogue.setting(key: $0) == nil }.sorted()
                if !unknown.isEmpty { throw ServeSettingsError.unknownKeys(unknown, path: file.path) }
                values = try decoder.decode(FileLayer.self, from: data).values
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

        /// The layer `QUARRY_*` variables give: each setting's variable (lists comma-separated) and
        /// ``ServeSettings/adminTokenVariable``. Empty variables count as unset.
        public init(environment: [String: String]) throws(ServeSettingsError) {
            func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
            for setting in Catalogue.all {
                if let text = value(setting.environmentVariable) { try set(setting, text: text, source: setting.environmentVariable) }
            }
            adminToken = value(ServeSettings.adminTokenVariable)
            if adminToken != nil, values[Catalogue.shared.adminTokenFile.key] != nil {
                throw .conflictingAdminToken(
                    tokenVariable: ServeSettings.adminTokenVariable, fileVariable: Catalogue.shared.adminTokenFile.environmentVariable
                )
            }
        }

        /// The layer command-line flags give: `--port 9000` or `--port=9000`, and a true/false
        /// setting as a bare flag (`--insecure-open-writes`).
        public init(arguments: [String]) throws(ServeSettingsError) {
            var remaining = arguments[...]
            while let argument = remaining.popFirst() {
                let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let flag = String(parts[0])
                guard let setting = Catalogue.all.first(where: { $0.flag == flag }) else { throw .unknownFlag(argument) }
                let text: String
                if parts.count == 2 {
                    text = String(parts[1])
                } else if setting.isSwitch {
                    text = "true"
                } else if let next = remaining.popFirst() {
                    text = next
                } else {
                    throw .invalidValue(source: flag, problem: "needs a value (\(setting.expected))")
                }
                try set(setting, text: text, source: flag)
            }
        }

        /// Sets `setting` from its text form (an environment variable's or a flag's value, named by
        /// `source` in errors): numbers in Swift's syntax, lists comma-separated.
        public mutating func set(_ setting: any AnyServeSetting, text: String, source: String) throws(ServeSettingsError) {
            values[setting.key] = try setting.parse(text, source: source)
        }

        private static func invalidValue(in file: URL, _ context: DecodingError.Context, problem: String) -> ServeSettingsError {
            let key = context.codingPath.first?.stringValue ?? "?"
            return .invalidValue(source: "\"\(key)\" in \(file.path)", problem: problem)
        }

        private static func describe(_ type: Any.Type) -> String {
            (type as? any SettingValue.Type)?.expected ?? "a string"
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

/// The values of a configuration file's object, each decoded as its setting's type.
private struct FileLayer: Decodable {
    let values: [String: any SettingValue]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        var values: [String: any SettingValue] = [:]
        for setting in ServeSettings.Catalogue.all where container.contains(AnyCodingKey(setting.key)) {
            values[setting.key] = try setting.decode(from: container)
        }
        self.values = values
    }
}
