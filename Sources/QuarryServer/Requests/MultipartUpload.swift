import Foundation
import Hummingbird
import MultipartKit

/// Files uploaded as `multipart/form-data`: every part with a file name.
enum MultipartUpload {
    struct File {
        /// The part's file name, without any folder.
        let name: String
        let data: Data
    }

    /// Whether `request` carries a multipart form.
    static func isMultipart(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true
    }

    /// Reads at most `limit` bytes of `request`'s body and returns its files.
    static func files(from request: Request, limit: Int) async throws -> [File] {
        guard let boundary = boundary(of: request.headers[.contentType] ?? "") else {
            throw APIError.invalidRequest("multipart/form-data needs a boundary parameter")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "upload is larger than \(limit) bytes")
        }
        var files: [File] = []
        var name: String?
        var data = Data()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { field, value in
            if field.lowercased() == "content-disposition" { name = fileName(inDisposition: value) }
        }
        parser.onBody = { chunk in data.append(contentsOf: chunk.readableBytesView) }
        parser.onPartComplete = {
            if let name { files.append(File(name: name, data: data)) }
            name = nil
            data = Data()
        }
        do {
            try parser.execute(body)
        } catch {
            throw APIError.invalidRequest("malformed multipart body: \(error)")
        }
        guard !files.isEmpty else { throw APIError.invalidRequest("the form has no file part") }
        return files
    }

    static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// The `filename` of a Content-Disposition value, reduced to its last path component.
    static func fileName(inDisposition value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "filename" else { continue }
            let raw = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
            return last.isEmpty || last == "." || last == ".." ? nil : last
        }
        return nil
    }
}
