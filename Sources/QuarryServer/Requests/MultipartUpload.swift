import Foundation
import Hummingbird

/// A `multipart/form-data` request body: its file parts and its plain fields.
enum MultipartUpload {
    struct File {
        /// The form field the file was sent in.
        let field: String
        /// The part's file name, without any folder.
        let name: String
        let data: Data
    }

    struct Form {
        var files: [File] = []
        /// Parts without a file name, by field name (UTF-8 text).
        var fields: [String: String] = [:]
    }

    /// Whether `request` carries a multipart form.
    static func isMultipart(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true
    }

    /// Reads at most `limit` bytes of `request`'s body and returns its files.
    static func files(from request: Request, limit: Int, shape: MultipartForm.Limits) async throws -> [File] {
        let files = try await form(from: request, limit: limit, shape: shape).files
        guard !files.isEmpty else { throw APIError.invalidRequest("the form has no file part") }
        return files
    }

    /// Reads at most `limit` bytes of `request`'s body and returns its parts, checked against `shape`.
    static func form(from request: Request, limit: Int, shape: MultipartForm.Limits) async throws -> Form {
        guard let boundary = boundary(of: request.headers[.contentType] ?? "") else {
            throw APIError.invalidRequest("multipart/form-data needs a boundary parameter")
        }
        let body = try await request.collectBody(upTo: limit)
        let parts: [MultipartForm.Part]
        do {
            parts = try MultipartForm.parse(Array(body.readableBytesView), boundary: boundary, limits: shape)
        } catch {
            throw APIError.invalidRequest("malformed multipart body: \(error)")
        }
        var form = Form()
        for part in parts {
            if let fileName = part.fileName {
                form.files.append(File(field: part.name ?? "", name: fileName, data: Data(part.body)))
            } else if let name = part.name {
                form.fields[name] = String(decoding: part.body, as: UTF8.self)
            }
        }
        return form
    }

    /// The `boundary` parameter of a `multipart/form-data` content type, unquoted.
    static func boundary(of contentType: String) -> String? {
        HeaderParameters(contentType).parameter("boundary").flatMap { $0.isEmpty ? nil : $0 }
    }
}
