/// Settings of `quarry serve` that cannot be used; each message names the file, variable or flag at fault.
public enum ServeSettingsError: Error, CustomStringConvertible, Equatable {
    /// A configuration or admin token file could not be read.
    case unreadableFile(path: String, reason: String)
    /// The configuration file is not a JSON object.
    case malformedFile(path: String, reason: String)
    /// The configuration file has keys that are not settings (sorted).
    case unknownKeys([String], path: String)
    /// A value of the wrong kind; `source` is `QUARRY_PORT`, `--port` or `"port" in /etc/quarry/quarry.json`.
    case invalidValue(source: String, problem: String)
    /// A value of the right kind but out of range, found after the layers are merged; `key` is the setting's.
    case outOfRange(key: String, requirement: String, value: String)
    /// A command-line argument that is no setting's flag.
    case unknownFlag(String)
    /// The admin token file holds only white space.
    case emptyAdminTokenFile(path: String)
    /// Both the token and a token file are set in the environment.
    case conflictingAdminToken(tokenVariable: String, fileVariable: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            "cannot read \(path): \(reason)"
        case .malformedFile(let path, let reason):
            "\(path) is not a JSON object of settings: \(reason)"
        case .unknownKeys(let keys, let path):
            "unknown key\(keys.count == 1 ? "" : "s") \(keys.map { "\"\($0)\"" }.joined(separator: ", ")) in \(path)"
                + (keys.contains("admin_token") ? " (put the token in admin_token_file or \(ServeSettings.adminTokenVariable))" : "")
                + "; the settings are " + ServeSettings.Catalogue.all.map(\.key).joined(separator: ", ")
        case .invalidValue(let source, let problem):
            "\(source): \(problem)"
        case .outOfRange(let key, let requirement, let value):
            "\(key) (\(ServeSettings.flag(forKey: key)), \(ServeSettings.environmentVariable(forKey: key))) \(requirement), got \(value)"
        case .unknownFlag(let argument):
            "unknown argument \(argument); the settings' flags are " + ServeSettings.Catalogue.all.map(\.flag).joined(separator: ", ")
        case .emptyAdminTokenFile(let path):
            "the admin token file \(path) is empty"
        case .conflictingAdminToken(let tokenVariable, let fileVariable):
            "set \(tokenVariable) or \(fileVariable), not both"
        }
    }
}
