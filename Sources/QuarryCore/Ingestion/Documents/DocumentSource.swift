import Foundation

/// Where a reader takes a document's bytes from: a file, or data already in memory (an upload).
public enum DocumentSource: Sendable, Hashable {
    /// A file on disk.
    case file(URL)
    /// Bytes in memory; `name` is the file name (its extension selects the reader, and it names
    /// the document in errors).
    case data(Data, name: String)

    /// The name used in error messages: the file's path or the given name.
    public var displayName: String {
        switch self {
        case .file(let url): url.path
        case .data(_, let name): name
        }
    }

    /// The lower-case file extension, without the dot (empty if none).
    public var fileExtension: String {
        switch self {
        case .file(let url): url.pathExtension.lowercased()
        case .data(_, let name): URL(fileURLWithPath: name).pathExtension.lowercased()
        }
    }

    /// Reads the bytes, refusing files over `limit` bytes.
    func loadData(limit: UInt64) throws(DocumentReadError) -> Data {
        switch self {
        case .data(let data, let name):
            guard UInt64(data.count) <= limit else {
                throw .tooLarge(path: name, part: nil, size: UInt64(data.count), limit: limit)
            }
            return data
        case .file(let url):
            let size = try Self.fileSize(url)
            guard size <= limit else {
                throw .tooLarge(path: url.path, part: nil, size: size, limit: limit)
            }
            do {
                return try Data(contentsOf: url)
            } catch {
                throw .unreadableFile(path: url.path, reason: "\(error.localizedDescription)")
            }
        }
    }

    /// The size of a regular file, with typed errors for a missing file or a directory.
    static func fileSize(_ url: URL) throws(DocumentReadError) -> UInt64 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: url.path)
        }
        guard !isDirectory.boolValue else {
            throw .unreadableFile(path: url.path, reason: "it is a directory")
        }
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        } catch {
            throw .unreadableFile(path: url.path, reason: "\(error.localizedDescription)")
        }
    }
}
