import Foundation

extension ServeSettings: Encodable {
    /// Writes every setting under its key, `null` where unset, and `admin_token` as `"***"`
    /// when there is a token: the token itself is never written.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        for setting in Catalogue.all {
            try setting.encode(self, to: &container)
        }
        try container.encode(adminToken.map { _ in "***" }, forKey: AnyCodingKey("admin_token"))
    }

    /// The settings as pretty, key-sorted JSON for `quarry serve --print-config`, the token redacted.
    public var printedJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, numbers and arrays of strings cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A value as help shows it: `8080`, `models`, `a, b`, or `none`.
    static func describe(_ value: any SettingValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let json = try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) else {
            return "\(value)"
        }
        switch json {
        case is NSNull: return "none"
        case let list as [String]: return list.isEmpty ? "none" : list.joined(separator: ", ")
        default: return "\(json)"
        }
    }

    /// Every setting with its flag, variable, key and default, for `quarry serve --help`, in lines
    /// of at most 78 characters.
    public static var helpText: String {
        var lines = wrapped(
            "Settings: a flag, a QUARRY_* environment variable or a key of the --config file; flags win, then variables, then the file.", indent: "")
        for setting in Catalogue.all {
            lines.append("")
            lines.append("  \(setting.flag)" + (setting.isSwitch ? "" : " <\(setting.expected)>"))
            lines += wrapped("\(setting.help) Default: \(setting.defaultText). \(setting.environmentVariable), \(setting.key).", indent: "        ")
        }
        lines.append("")
        lines += wrapped("\(adminTokenVariable) holds the admin token itself, from the environment only (not with admin_token_file).", indent: "  ")
        return lines.joined(separator: "\n")
    }

    /// `text` cut at spaces into lines of at most 78 characters, each starting with `indent`.
    private static func wrapped(_ text: String, indent: String) -> [String] {
        var lines: [String] = []
        var line = indent
        for word in text.split(separator: " ") {
            if line.count > indent.count, line.count + 1 + word.count > 78 {
                lines.append(line)
                line = indent
            }
            line += (line.count > indent.count ? " " : "") + word
        }
        lines.append(line)
        return lines
    }

    /// Every setting as a Markdown table, as the README shows it (`quarry serve --print-settings-table`).
    public static var markdownTable: String {
        var lines = ["| Key (file) | Flag | Environment variable | Default | Meaning |", "|---|---|---|---|---|"]
        for setting in Catalogue.all {
            let cells = [
                "`\(setting.key)`", "`\(setting.flag)`", "`\(setting.environmentVariable)`", setting.defaultText,
                setting.help.replacingOccurrences(of: "|", with: "\\|"),
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
