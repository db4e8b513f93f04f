import Foundation

/// A reader of a format stored as a text file: the file is decoded (see ``TextFileDecoder``)
/// and the text parsed; the content hash is that of the file's bytes.
public protocol TextFileReader: DocumentReader {
    /// Limits on the input.
    var limits: DocumentReaderLimits { get }

    /// Parses text that is already in memory (the hash defaults to the text's own).
    func parse(_ text: String, contentHash: String?) -> DocumentContent
}

extension TextFileReader {
    public func read(_ source: DocumentSource) throws(DocumentReadError) -> DocumentContent {
        let data = try source.loadData(limit: limits.maxFileBytes)
        let decoded = try TextFileDecoder().decode(data, name: source.displayName)
        return parse(decoded.text, contentHash: ContentHash.sha256(data))
    }
}
