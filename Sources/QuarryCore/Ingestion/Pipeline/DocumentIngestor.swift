import Foundation

/// Reads files, cuts them into passages and adds them to a text collection.
///
/// Sources are paths relative to the ingested root, so re-ingesting the same
/// folder replaces changed files (by content hash) and skips unchanged ones.
public struct DocumentIngestor: Sendable {
    public let readers: DocumentReaderRegistry
    public let chunker: Chunker
    /// How a passage's indexed text is built (heading path + text without Markdown markup by default).
    public let textOptions: Passage.EmbeddingTextOptions

    public init(readers: DocumentReaderRegistry = .standard(), chunker: Chunker, textOptions: Passage.EmbeddingTextOptions = .init()) {
        self.readers = readers
        self.chunker = chunker
        self.textOptions = textOptions
    }

    /// The chunker settings Quarry uses unless told otherwise: 200-token passages with a
    /// 40-token overlap, code blocks left out (they add noise to prose questions).
    public static let defaultChunking = ChunkerConfiguration(targetTokens: 200, overlapTokens: 40, codePolicy: .omit)

    /// Cuts a read document into the passages a collection stores; every passage
    /// carries `metadata` (plus `"code": true` for code passages).
    public func prepare(_ content: DocumentContent, source: String, metadata: [String: JSONValue] = [:]) -> TextDocument {
        let passages = chunker.chunk(content, source: source).map { passage in
            var passageMetadata = metadata
            if passage.isCode { passageMetadata["code"] = .bool(true) }
            return TextDocument.Passage(
                text: passage.text, indexedText: passage.embeddingText(textOptions), chapter: passage.chapter,
                page: passage.page, span: passage.span.map { $0.start..<$0.end }, metadata: passageMetadata
            )
        }
        var documentMetadata = metadata
        documentMetadata["format"] = .string(content.format.rawValue)
        if let title = content.title { documentMetadata["title"] = .string(title) }
        return TextDocument(source: source, contentHash: content.contentHash, metadata: documentMetadata, passages: passages)
    }

    /// Every readable file under `paths` (files, or folders searched recursively), with its
    /// source path: relative to the folder given, or the file name for a file given directly.
    public func files(in paths: [URL]) -> [(url: URL, source: String)] {
        var found: [(url: URL, source: String)] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else { continue }
            guard isDirectory.boolValue else {
                if readers.canRead(path) { found.append((path, path.lastPathComponent)) }
                continue
            }
            let root = path.standardizedFileURL.resolvingSymlinksInPath().path
            let enumerator = FileManager.default.enumerator(at: path, includingPropertiesForKeys: [.isRegularFileKey])
            var inFolder: [(url: URL, source: String)] = []
            while let url = enumerator?.nextObject() as? URL {
                guard readers.canRead(url), (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let full = url.standardizedFileURL.resolvingSymlinksInPath().path
                let relative = full.hasPrefix(root + "/") ? String(full.dropFirst(root.count + 1)) : url.lastPathComponent
                inFolder.append((url, relative))
            }
            found += inFolder.sorted { $0.source < $1.source }
        }
        return found
    }

    /// Ingests every readable file under `paths` into `collection`, then checks
    /// that the index and the store hold the same number of vectors and checkpoints.
    public func ingest(
        paths: [URL], into collection: TextCollection, progress: (IngestProgress) -> Void = { _ in }
    ) throws -> IngestSummary {
        let start = Stopwatch()
        var summary = IngestSummary()
        let files = files(in: paths)
        summary.files = files.count
        for (offset, file) in files.enumerated() {
            do {
                let content = try readers.read(contentsOf: file.url)
                if let change = try collection.add(prepare(content, source: file.source)) {
                    summary.ingested += 1
                    summary.passages += change.addedIDs.count
                    summary.duplicates += change.duplicatesSkipped
                    summary.removed += change.removedIDs.count
                } else {
                    summary.unchanged += 1
                }
            } catch let error as DocumentReadError {
                summary.failures.append((file.source, error.description))
            }
            progress(IngestProgress(completed: offset + 1, total: files.count, source: file.source))
        }
        let indexCount = collection.index.count
        let storeCount = try collection.store.passageCount()
        guard indexCount == storeCount else {
            throw IndexStoreMismatch(collection: collection.name, indexCount: indexCount, storeCount: storeCount)
        }
        try collection.index.compactIfNeeded()
        try collection.checkpoint()
        summary.seconds = start.seconds
        return summary
    }
}
