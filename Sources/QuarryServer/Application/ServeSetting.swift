/// One setting of `quarry serve`, declared once in ``ServeSettings/Catalogue``: its key, type,
/// default, help and the values it accepts. The key names it everywhere: `max_image_mb` in the
/// configuration file, `QUARRY_MAX_IMAGE_MB` in the environment, `--max-image-mb` on the command line.
public struct ServeSetting<Value: SettingValue>: Sendable {
    public let key: String
    public let defaultValue: Value
    /// One sentence for `--help` and the README.
    public let help: String
    let check: SettingCheck<Value>
    /// The value as `--print-config` shows it (a password redacted).
    let printed: @Sendable (Value) -> Value

    public init(
        _ key: String, default defaultValue: Value, help: String, check: SettingCheck<Value> = .none,
        printed: @escaping @Sendable (Value) -> Value = { $0 }
    ) {
        self.key = key
        self.defaultValue = defaultValue
        self.help = help
        self.check = check
        self.printed = printed
    }
}

/// What every setting offers, whatever its type: the operations the layers and the printers need.
public protocol AnyServeSetting: Sendable {
    var key: String { get }
    var help: String { get }
    /// What a value looks like: "an integer".
    var expected: String { get }
    /// A true/false setting, given on the command line as a bare flag.
    var isSwitch: Bool { get }
    /// The default as text, for help.
    var defaultText: String { get }
    /// The value `text` spells; `source` (a variable or a flag) is named in the error.
    func parse(_ text: String, source: String) throws(ServeSettingsError) -> any SettingValue
    /// The value under this key in a configuration file's object.
    func decode(from container: KeyedDecodingContainer<AnyCodingKey>) throws -> any SettingValue
    /// The requirement `settings` breaks, if any.
    func problem(in settings: ServeSettings) -> SettingProblem?
    /// Writes the value of `settings` as `--print-config` shows it.
    func encode(_ settings: ServeSettings, to container: inout KeyedEncodingContainer<AnyCodingKey>) throws
    /// Whether both hold the same value.
    func sameValue(_ first: ServeSettings, _ second: ServeSettings) -> Bool
}

extension AnyServeSetting {
    public var environmentVariable: String { ServeSettings.environmentVariable(forKey: key) }
    public var flag: String { ServeSettings.flag(forKey: key) }
}

extension ServeSettings {
    /// The variable setting `key`: `QUARRY_` and the key in capitals.
    public static func environmentVariable(forKey key: String) -> String { "QUARRY_" + key.uppercased() }
    /// The flag setting `key`: the key with dashes, `--max-image-mb`.
    public static func flag(forKey key: String) -> String { "--" + key.replacingOccurrences(of: "_", with: "-") }
}

extension ServeSetting: AnyServeSetting {
    public var expected: String { Value.expected }
    public var isSwitch: Bool { Value.self == Bool.self }
    public var defaultText: String { ServeSettings.describe(defaultValue) }

    public func parse(_ text: String, source: String) throws(ServeSettingsError) -> any SettingValue {
        guard let value = Value(settingText: text) else { throw .invalidValue(source: source, problem: "\"\(text)\" is not \(Value.expected)") }
        return value
    }

    public func decode(from container: KeyedDecodingContainer<AnyCodingKey>) throws -> any SettingValue {
        try container.decode(Value.self, forKey: AnyCodingKey(key))
    }

    public func problem(in settings: ServeSettings) -> SettingProblem? {
        check.problem(settings[self])
    }

    public func encode(_ settings: ServeSettings, to container: inout KeyedEncodingContainer<AnyCodingKey>) throws {
        try container.encode(printed(settings[self]), forKey: AnyCodingKey(key))
    }

    public func sameValue(_ first: ServeSettings, _ second: ServeSettings) -> Bool {
        first[self] == second[self]
    }
}

/// A requirement a setting's value broke: what it must be, and the value as shown in the error.
public struct SettingProblem: Sendable, Equatable {
    public let requirement: String
    public let value: String
}

/// The values a setting accepts, checked once the layers are merged.
public struct SettingCheck<Value: SettingValue>: Sendable {
    let problem: @Sendable (Value) -> SettingProblem?

    /// A check that finds the problem of a value, or nil when there is none.
    public init(_ problem: @escaping @Sendable (Value) -> SettingProblem?) {
        self.problem = problem
    }

    /// A check that `holds` is true, failing with `requirement`.
    public static func require(_ requirement: String, _ holds: @escaping @Sendable (Value) -> Bool) -> Self {
        Self { value in holds(value) ? nil : SettingProblem(requirement: requirement, value: "\(value)") }
    }

    /// Any value.
    public static var none: Self { Self { _ in nil } }
}

extension SettingCheck where Value: Comparable & Numeric & Sendable {
    public static func atLeast(_ lowest: Value) -> Self { require("must be at least \(lowest)") { $0 >= lowest } }
    public static func between(_ lowest: Value, _ highest: Value) -> Self {
        require("must be between \(lowest) and \(highest)") { (lowest...highest).contains($0) }
    }
    public static var positive: Self { require("must be positive") { $0 > 0 } }
    public static var notNegative: Self { require("must not be negative") { $0 >= 0 } }
}
