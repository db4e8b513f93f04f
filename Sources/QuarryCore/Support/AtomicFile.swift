import Foundation

/// Writes files so that a crash leaves either the old or the new content.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `url` (a name no other write uses, so
    /// concurrent writes of one file never share it) and renames it over `url`. With
    /// `synchronize` the data, then the rename, reach the disk before this returns; without,
    /// pass the written files to ``synchronize(_:)`` once after a batch of writes.
    /// - Throws: `POSIXError` with the failing call's `errno` (`ENOSPC` when the disk is full).
    public static func write(_ data: Data, to url: URL, synchronize: Bool = true) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw posixError() }
        do {
            try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < bytes.count {
                    let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw posixError()
                    }
                    offset += written
                }
            }
            if synchronize, fsync(descriptor) != 0 { throw posixError() }
            guard close(descriptor) == 0 else { throw posixError() }
        } catch {
            close(descriptor)
            unlink(temporary.path)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            let error = posixError()
            unlink(temporary.path)
            throw error
        }
        if synchronize { try synchronizeEntry(of: url.deletingLastPathComponent()) }
    }

    /// Makes the content of every file in `urls`, and their names in their folders, durable.
    static func synchronize(_ urls: [URL]) throws {
        for url in urls { try synchronizeEntry(of: url) }
        for folder in Set(urls.map { $0.deletingLastPathComponent().standardizedFileURL }) {
            try synchronizeEntry(of: folder)
        }
    }

    /// Makes every file and folder under `folder`, and the folder's own name, durable: one
    /// `fsync` each (files already on disk cost little), never a host-wide `sync`.
    static func synchronizeTree(at folder: URL) throws {
        var entries = [folder]
        if let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) {
            for case let url as URL in enumerator { entries.append(url) }
        }
        for entry in entries { try synchronizeEntry(of: entry) }
        try synchronizeEntry(of: folder.deletingLastPathComponent())
    }

    /// `fsync` of one file or folder.
    private static func synchronizeEntry(of url: URL) throws {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw posixError() }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw posixError() }
    }

    private static func posixError() -> POSIXError {
        POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
}
