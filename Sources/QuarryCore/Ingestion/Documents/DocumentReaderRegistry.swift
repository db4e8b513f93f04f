import Foundation

/// Chooses a ``DocumentReader`` by file extension (case-insensitive).
///
/// ``standard(limits:)`` knows `.md`, `.markdown`, `.txt`, `.pptx`, `.docx` and `.pdf`; readers can
/// be replaced or added with ``register(_:for:)``.
public struct DocumentReaderRegistry: Sendable {
    private var readers: [String: any DocumentReader] = [:]

    /// An empty registry.
    public init() {}

    /// The registry with every built-in reader.
    public static func standard(limits: DocumentReaderLimits = .default) -> DocumentReaderRegistry {
        var registry = DocumentReaderRegistry()
        registry.register(MarkdownReader(limits: limits))
        registry.register(PlainTextReader(limits: limits))
        registry.register(PowerPointReader(limits: limits))
        registry.register(WordReader(limits: limits))
        registry.register(PDFReader(limits: limits))
        return registry
    }

    /// Registers `reader` for `extensions` (without dots), or for its format's extensions.
    public mutating func register(_ reader: any DocumentReader, for extensions: [String]? = nil) {
        for ext in extensions ?? reader.format.fileExtensions {
            readers[ext.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))] = reader
        }
    }

    /// The extensions (lower case, without dots) that have a reader.
    public var supportedExtensions: Set<String> { Set(readers.keys) }

    /// Whether a reader handles the file at `url`.
    public func canRead(_ url: URL) -> Bool {
        readers[url.pathExtension.lowercased()] != nil
    }

    /// The reader for the document's extension, or ``DocumentReadError/unsupportedFormat(path:fileExtension:)``.
    public func reader(for source: DocumentSource) throws(DocumentReadError) -> any DocumentReader {
        guard let reader = readers[source.fileExtension] else {
            throw .unsupportedFormat(path: source.displayName, fileExtension: source.fileExtension)
        }
        return reader
    }

    /// Reads a document with the reader for its extension.
    public func read(_ source: DocumentSource) throws(DocumentReadError) -> DocumentContent {
        try reader(for: source).read(source)
    }

    /// Reads the file at `url` with the reader for its extension.
    public func read(contentsOf url: URL) throws(DocumentReadError) -> DocumentContent {
        try read(.file(url))
    }

    /// Reads in-memory bytes named `name` (an upload) with the reader for the name's extension.
    public func read(data: Data, name: String) throws(DocumentReadError) -> DocumentContent {
        try read(.data(data, name: name))
    }
}
