import Foundation

/// File-tree helpers of backups: linking or copying folders, and describing their files.
enum BackupFiles {
    /// Recreates the folder `source` at `destination`, hard-linking its files (copying
    /// where linking fails, e.g. across file systems), except the temporary files of writes
    /// in progress (``AtomicFile``'s `.<name>.tmp-<pid>`). Linking is safe because Quarry
    /// replaces media and thumbnails by renaming, never in place.
    static func linkOrCopyFolder(_ source: URL, to destination: URL) throws(BackupError) {
        try BackupError.during("link or copy", source.path) {
            let manager = FileManager.default
            try manager.createDirectory(at: destination, withIntermediateDirectories: true)
            for path in try entries(under: source) where !isTemporary(path) {
                let from = source.appendingPathComponent(path)
                let to = destination.appendingPathComponent(path)
                if try manager.attributesOfItem(atPath: from.path)[.type] as? FileAttributeType == .typeDirectory {
                    try manager.createDirectory(at: to, withIntermediateDirectories: true)
                } else if link(from.path, to.path) != 0 {
                    try manager.copyItem(at: from, to: to)
                }
            }
        }
    }

    /// Every regular file under `folder` (recursively) with its size and SHA-256, sorted by path.
    static func describe(_ folder: URL) throws(BackupError) -> [BackupManifest.File] {
        try BackupError.during("describe files", folder.path) {
            try entries(under: folder).sorted().compactMap { path in
                let url = folder.appendingPathComponent(path)
                guard try FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType == .typeRegular else { return nil }
                return BackupManifest.File(path: path, size: try size(of: url), sha256: try FileDigest.sha256(of: url))
            }
        }
    }

    /// Size of the file at `url` in bytes.
    static func size(of url: URL) throws -> Int64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// Relative paths of everything under `folder`.
    private static func entries(under folder: URL) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: folder.path])
        }
        return enumerator.compactMap { $0 as? String }
    }

    private static func isTemporary(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasPrefix(".") && name.contains(".tmp-")
    }
}
