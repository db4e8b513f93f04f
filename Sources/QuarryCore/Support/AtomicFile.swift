import Foundation

/// Writes files so that a crash leaves either the old or the new content.
enum AtomicFile {
    /// Writes `data` to a temporary file beside `url` and renames it over `url`.
    /// With `synchronize` the data reaches the disk before the rename; without,
    /// call ``synchronizeFileSystem()`` once after a batch of writes.
    static func write(_ data: Data, to url: URL, synchronize: Bool = true) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let handle = try FileHandle(forWritingTo: temporary)
        do {
            try handle.write(contentsOf: data)
            if synchronize { try handle.synchronize() }
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    /// Flushes every pending file write to disk (`sync`, which waits on Linux).
    static func synchronizeFileSystem() {
        sync()
    }
}
