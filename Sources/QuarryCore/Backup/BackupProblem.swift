/// Something wrong with the content of a backup, found by ``BackupManager/verify(_:)``.
public enum BackupProblem: Error, Equatable, Sendable {
    /// `backup.json` is missing: the backup is incomplete.
    case manifestMissing
    /// `backup.json` exists but cannot be decoded.
    case manifestUnreadable(reason: String)
    /// `backup.json` lists a path that is absolute or leads outside the backup folder.
    case unsafePath(String)
    /// A file listed in (or required of) the backup is missing.
    case fileMissing(path: String)
    /// A file cannot be read.
    case fileUnreadable(path: String, reason: String)
    /// A file's size differs from the one recorded in `backup.json`.
    case sizeMismatch(path: String, expected: Int64, actual: Int64)
    /// A file's SHA-256 differs from the one recorded in `backup.json`.
    case checksumMismatch(path: String)
    /// `collection.json` cannot be decoded.
    case configurationUnreadable(reason: String)
    /// `store.sqlite` does not open or fails `PRAGMA integrity_check`.
    case storeCorrupt(reason: String)
    /// `index.faiss` does not load.
    case indexUnreadable(reason: String)
    /// `index.manifest.json` cannot be decoded.
    case indexManifestUnreadable(reason: String)
    /// `index.faiss` does not match the SHA-256 in `index.manifest.json`.
    case indexManifestMismatch
}

extension BackupProblem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .manifestMissing: "\(BackupManifest.fileName) missing (incomplete backup)"
        case .manifestUnreadable(let reason): "\(BackupManifest.fileName) unreadable: \(reason)"
        case .unsafePath(let path): "unsafe path \"\(path)\" in \(BackupManifest.fileName)"
        case .fileMissing(let path): "\(path) missing"
        case .fileUnreadable(let path, let reason): "\(path) unreadable: \(reason)"
        case .sizeMismatch(let path, let expected, let actual): "\(path) has \(actual) bytes, expected \(expected)"
        case .checksumMismatch(let path): "\(path) checksum mismatch"
        case .configurationUnreadable(let reason): "collection.json unreadable: \(reason)"
        case .storeCorrupt(let reason): "store.sqlite corrupt: \(reason)"
        case .indexUnreadable(let reason): "index.faiss does not load: \(reason)"
        case .indexManifestUnreadable(let reason): "index.manifest.json unreadable: \(reason)"
        case .indexManifestMismatch: "index.faiss does not match index.manifest.json"
        }
    }
}
