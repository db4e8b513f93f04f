import Logging

/// A type a `quarry serve` setting can have: read from JSON in the configuration file and from
/// text in an environment variable or on the command line.
public protocol SettingValue: Sendable, Codable, Equatable {
    /// What a value looks like, for errors and help: "an integer".
    static var expected: String { get }
    /// The value `text` spells, or nil when it spells none.
    init?(settingText text: String)
}

extension Int: SettingValue {
    public static var expected: String { "an integer" }
    public init?(settingText text: String) { self.init(text.trimmingWhitespace()) }
}

extension Double: SettingValue {
    public static var expected: String { "a number" }
    public init?(settingText text: String) { self.init(text.trimmingWhitespace()) }
}

extension Bool: SettingValue {
    public static var expected: String { "true or false" }
    public init?(settingText text: String) { self.init(text.trimmingWhitespace()) }
}

extension String: SettingValue {
    public static var expected: String { "a string" }
    public init?(settingText text: String) { self = text }
}

/// A list, comma-separated in text; blank items are dropped.
extension Array: SettingValue where Element == String {
    public static var expected: String { "a list of strings" }
    public init?(settingText text: String) {
        self = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}

/// A setting that may be left unset (`null` in the file).
extension Optional: SettingValue where Wrapped: SettingValue {
    public static var expected: String { Wrapped.expected }
    public init?(settingText text: String) {
        guard let value = Wrapped(settingText: text) else { return nil }
        self = .some(value)
    }
}

/// A setting whose text is one of a fixed set of names.
public protocol NamedSettingValue: SettingValue, CaseIterable, RawRepresentable<String> {}

extension NamedSettingValue {
    public static var expected: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
    public init?(settingText text: String) { self.init(rawValue: text.trimmingWhitespace()) }
}

extension Logger.Level: NamedSettingValue {}
