import Embeddings
import Foundation

extension DocumentIngestor {
    /// An ingestor with the standard readers that cuts passages as `chunking` says, counting
    /// tokens with `encoder`'s tokenizer.
    public init(countingTokensWith encoder: any TextEncoder, chunking: ChunkerConfiguration = DocumentIngestor.defaultChunking) throws {
        self.init(chunker: try Chunker(configuration: chunking, tokenCounter: EncoderTokenCounter(encoder: encoder)))
    }

    /// The document of an uploaded file called `name`, read by the reader its extension selects.
    public func document(uploaded data: Data, named name: String) throws(DocumentReadError) -> TextDocument {
        prepare(try readers.read(data: data, name: name), source: name)
    }

    /// The document of text given as it is: read as Markdown when `source` ends in `.md` or
    /// `.markdown`, as plain text otherwise.
    public func document(text: String, source: String, metadata: [String: JSONValue] = [:]) throws(DocumentReadError) -> TextDocument {
        let isMarkdown = source.hasSuffix(".md") || source.hasSuffix(".markdown")
        let content = try readers.read(data: Data(text.utf8), name: isMarkdown ? source : source + ".txt")
        return prepare(content, source: source, metadata: metadata)
    }
}
