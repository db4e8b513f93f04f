import Foundation
import QuarryCore

/// The JSON body of `POST /v1/collections/{name}/documents`.
struct DocumentsRequestBody: Decodable {
    var documents: [Document]

    struct Document: Decodable {
        var source: String
        var text: String
        var chapter: String?
        var page: Int?
        var metadata: [String: JSONValue]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case source, text, chapter, page, metadata
        }

        init(from decoder: any Decoder) throws {
            try StrictJSON.rejectUnknownKeys(in: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            source = try container.decode(String.self, forKey: .source)
            text = try container.decode(String.self, forKey: .text)
            chapter = try container.decodeIfPresent(String.self, forKey: .chapter)
            page = try container.decodeIfPresent(Int.self, forKey: .page)
            metadata = try container.decodeIfPresent([String: JSONValue].self, forKey: .metadata)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case documents
    }

    init(from decoder: any Decoder) throws {
        try StrictJSON.rejectUnknownKeys(in: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        documents = try decoder.container(keyedBy: CodingKeys.self).decode([Document].self, forKey: .documents)
    }

    /// Checks sizes and names before anything is embedded.
    func validate(maxDocuments: Int = 1_000) throws(APIError) {
        guard !documents.isEmpty else { throw APIError.invalidRequest("documents must not be empty") }
        guard documents.count <= maxDocuments else {
            throw APIError.invalidRequest("at most \(maxDocuments) documents per request, got \(documents.count)")
        }
        for (offset, document) in documents.enumerated() {
            let source = document.source.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !source.isEmpty, source.count <= 1_024 else {
                throw APIError.invalidRequest("documents[\(offset)].source must be 1–1024 characters")
            }
            guard !document.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw APIError.invalidRequest("documents[\(offset)].text must not be empty")
            }
            if let page = document.page, page < 1 { throw APIError.invalidRequest("documents[\(offset)].page must be positive") }
        }
    }
}

extension DocumentsRequestBody.Document {
    /// `prepared` with this document's chapter (prefixed to the passages' own) and page applied.
    func applied(to prepared: TextDocument) -> TextDocument {
        var document = prepared
        for index in document.passages.indices {
            if let chapter {
                let inner = document.passages[index].chapter
                document.passages[index].chapter = inner.isEmpty ? chapter : chapter + " > " + inner
            }
            if let page { document.passages[index].page = page }
        }
        return document
    }
}
