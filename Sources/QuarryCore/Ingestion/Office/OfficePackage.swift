import Foundation
import ZIPFoundation

/// An Office Open XML package (a ZIP archive of XML parts) opened for reading, with size limits,
/// CRC checks and typed errors.
struct OfficePackage {
    private let archive: Archive
    /// Entries by lower-cased path (part names are case-insensitive).
    private let entries: [String: Entry]
    private let limits: DocumentReaderLimits
    /// The document's name for errors.
    let name: String

    /// Opens the package. In-memory data is written to a temporary file first: ZIPFoundation's
    /// in-memory backend traps on archives whose offsets point past the end of the data, while its
    /// file backend reports them as errors.
    init(_ source: DocumentSource, limits: DocumentReaderLimits) throws(DocumentReadError) {
        name = source.displayName
        self.limits = limits
        let url: URL
        var temporary: URL?
        switch source {
        case .file(let fileURL):
            let size = try DocumentSource.fileSize(fileURL)
            guard size <= limits.maxFileBytes else {
                throw .tooLarge(path: fileURL.path, part: nil, size: size, limit: limits.maxFileBytes)
            }
            url = fileURL
        case .data(let data, let name):
            guard UInt64(data.count) <= limits.maxFileBytes else {
                throw .tooLarge(path: name, part: nil, size: UInt64(data.count), limit: limits.maxFileBytes)
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-office-\(UUID().uuidString).zip")
            do {
                try data.write(to: file)
            } catch {
                throw .unreadableFile(path: name, reason: "cannot write a temporary copy: \(error.localizedDescription)")
            }
            url = file
            temporary = file
        }
        // The archive keeps its file open, so a temporary copy can be removed at once.
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw .corruptArchive(path: source.displayName, reason: Self.describe(error))
        }
        var entries: [String: Entry] = [:]
        for entry in archive where entry.type == .file {
            let key = entry.path.lowercased()
            if entries[key] == nil { entries[key] = entry }
        }
        guard !entries.isEmpty else {
            throw .corruptArchive(path: name, reason: "the archive has no entries")
        }
        self.entries = entries
    }

    /// Whether the package has a part at `path`.
    func contains(_ path: String) -> Bool {
        entries[path.lowercased()] != nil
    }

    /// The bytes of the part at `path`.
    func data(_ path: String) throws(DocumentReadError) -> Data {
        guard let entry = entries[path.lowercased()] else {
            throw .missingPart(path: name, part: path)
        }
        let limit = limits.maxPartBytes
        guard entry.uncompressedSize <= limit else {
            throw .tooLarge(path: name, part: path, size: entry.uncompressedSize, limit: limit)
        }
        var result = Data()
        result.reserveCapacity(Int(entry.uncompressedSize))
        do {
            let checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                guard UInt64(result.count + chunk.count) <= limit else {
                    throw DocumentReadError.tooLarge(path: name, part: path, size: UInt64(result.count + chunk.count), limit: limit)
                }
                result.append(chunk)
            }
            guard checksum == entry.checksum else {
                throw DocumentReadError.corruptArchive(path: name, reason: "checksum mismatch in '\(path)'")
            }
        } catch let error as DocumentReadError {
            throw error
        } catch {
            throw .corruptArchive(path: name, reason: "cannot extract '\(path)': \(Self.describe(error))")
        }
        return result
    }

    /// The parsed XML of the part at `path`.
    func xml(_ path: String) throws(DocumentReadError) -> XMLElementTree {
        try XMLElementTree.parse(data(path), document: name, part: path)
    }

    /// The relationships of the part at `path` (from `dir/_rels/file.rels`); empty if it has none.
    func relationships(of path: String) throws(DocumentReadError) -> [OfficeRelationship] {
        var components = path.split(separator: "/").map(String.init)
        let file = components.popLast() ?? ""
        let relsPath = (components + ["_rels", file + ".rels"]).joined(separator: "/")
        guard contains(relsPath) else { return [] }
        let root = try xml(relsPath)
        return root.children(named: "Relationship").compactMap { element in
            guard let id = element.attribute("Id"), let target = element.attribute("Target") else { return nil }
            let external = element.attribute("TargetMode")?.lowercased() == "external"
            return OfficeRelationship(
                id: id,
                type: element.attribute("Type") ?? "",
                target: external ? target : OfficeRelationship.resolve(target, relativeTo: path),
                isExternal: external)
        }
    }

    /// The main document part named by the package relationships (`_rels/.rels`, type
    /// `officeDocument`), or `fallback` if the package does not name one: its path and its
    /// parsed XML, whose root element must be named `root`.
    func mainDocument(root: String, fallback: String) throws(DocumentReadError) -> (path: String, xml: XMLElementTree) {
        let relationships = try relationships(of: "")
        let main = relationships.first { $0.kind == "officeDocument" && !$0.isExternal }
        let path = main.map(\.target).flatMap { contains($0) ? $0 : nil } ?? fallback
        let document = try xml(path)
        guard document.name == root else { throw .missingPart(path: name, part: fallback) }
        return (path, document)
    }

    private static func describe(_ error: any Error) -> String {
        if let archiveError = error as? Archive.ArchiveError {
            switch archiveError {
            case .missingEndOfCentralDirectoryRecord: return "no end-of-central-directory record (truncated or not a ZIP file)"
            case .unreadableArchive: return "the archive cannot be read"
            case .invalidCRC32: return "checksum mismatch"
            case .invalidCompressionMethod: return "unsupported compression method"
            default: return "\(archiveError)"
            }
        }
        return "\(error)"
    }
}
