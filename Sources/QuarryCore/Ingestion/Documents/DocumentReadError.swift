/// Why a document could not be read. Every case names the document (`path`: the file path, or the
/// name given with in-memory data) so that a message can be shown as it is.
public enum DocumentReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but could not be read (permissions, a directory, an I/O error).
    case unreadableFile(path: String, reason: String)
    /// No reader handles the file's extension.
    case unsupportedFormat(path: String, fileExtension: String)
    /// The file, or a part of it, is larger than the configured limit.
    case tooLarge(path: String, part: String?, size: UInt64, limit: UInt64)
    /// The bytes are not text in any of the encodings tried.
    case undecodableText(path: String, triedEncodings: [String])
    /// A text file holds binary data (NUL bytes).
    case binaryContent(path: String)
    /// An Office file is not a readable ZIP archive (truncated, corrupt, not a ZIP at all).
    case corruptArchive(path: String, reason: String)
    /// An Office file lacks a part that the format requires.
    case missingPart(path: String, part: String)
    /// An XML part of an Office file could not be parsed.
    case malformedXML(path: String, part: String, line: Int, reason: String)
    /// An external program the reader needs is not installed.
    case toolNotFound(tool: String, hint: String)
    /// An external program failed on the document.
    case toolFailed(tool: String, path: String, status: Int32, message: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "\(path): no such file"
        case .unreadableFile(let path, let reason):
            "\(path): cannot read the file: \(reason)"
        case .unsupportedFormat(let path, let ext):
            ext.isEmpty
                ? "\(path): unsupported document type (no file extension); supported: \(Self.supportedList)"
                : "\(path): unsupported document type '.\(ext)'; supported: \(Self.supportedList)"
        case .tooLarge(let path, let part, let size, let limit):
            "\(path)\(part.map { " (\($0))" } ?? ""): \(size) bytes is over the limit of \(limit) bytes"
        case .undecodableText(let path, let tried):
            "\(path): the text is in none of the encodings tried (\(tried.joined(separator: ", ")))"
        case .binaryContent(let path):
            "\(path): the file holds binary data, not text"
        case .corruptArchive(let path, let reason):
            "\(path): not a readable Office file (damaged or not a ZIP archive): \(reason)"
        case .missingPart(let path, let part):
            "\(path): the Office file has no '\(part)' part"
        case .malformedXML(let path, let part, let line, let reason):
            "\(path): malformed XML in '\(part)' at line \(line): \(reason)"
        case .toolNotFound(let tool, let hint):
            "'\(tool)' is not installed: \(hint)"
        case .toolFailed(let tool, let path, let status, let message):
            "\(path): '\(tool)' failed with status \(status)\(message.isEmpty ? "" : ": \(message)")"
        }
    }

    private static var supportedList: String {
        DocumentFormat.allCases.flatMap(\.fileExtensions).map { "." + $0 }.joined(separator: ", ")
    }
}
