import Foundation
import Hummingbird
import MultipartKit

/// A `multipart/form-data` body: its file parts and its plain fields.
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
    static func files(from request: Request, limit: Int) async throws -> [File] {
        let files = try await form(from: request, limit: limit).files
        guard !files.isEmpty else { throw APIError.invalidRequest("the form has no file part") }
        return files
    }

    /// Reads at most `limit` bytes of `request`'s body and returns its parts.
    static func form(from request: Request, limit: Int) async throws -> Form {
        guard let boundary = boundary(of: request.headers[.contentType] ?? "") else {
            throw APIError.invalidRequest("multipart/form-data needs a boundary parameter")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "upload is larger than \(limit) bytes")
        }
        guard headerNamesAreASCII(Array(body.readableBytesView), boundary: boundary) else {
            throw APIError.invalidRequest("malformed multipart body: a part header name is not ASCII")
        }
        var form = Form()
        var fieldName: String?
        var fileName: String?
        var data = Data()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { header, value in
            guard header.lowercased() == "content-disposition" else { return }
            fieldName = parameter("name", inDisposition: value)
            fileName = Self.fileName(inDisposition: value)
        }
        parser.onBody = { chunk in data.append(contentsOf: chunk.readableBytesView) }
        parser.onPartComplete = {
            if let fileName {
                form.files.append(File(field: fieldName ?? "", name: fileName, data: data))
            } else if let fieldName {
                form.fields[fieldName] = String(decoding: data, as: UTF8.self)
            }
            fieldName = nil
            fileName = nil
            data = Data()
        }
        do {
            try parser.execute(body)
        } catch {
            throw APIError.invalidRequest("malformed multipart body: \(error)")
        }
        return form
    }

    /// Whether every part header name after a boundary delimiter is ASCII. MultipartKit's
    /// parser traps on a header-name byte above 0x7F, so such a body must never reach it;
    /// this looks after every occurrence of the delimiter, wherever the parser could.
    static func headerNamesAreASCII(_ bytes: [UInt8], boundary: String) -> Bool {
        let delimiter = Array(("--" + boundary).utf8)
        var searchFrom = 0
        while searchFrom < bytes.count, let found = bytes[searchFrom...].firstRange(of: delimiter) {
            var position = found.upperBound
            while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            position += 1
            var inName = true
            headers: while position < bytes.count {
                let byte = bytes[position]
                switch (inName, byte) {
                case (true, UInt8(ascii: ":")): inName = false
                case (true, UInt8(ascii: "\r")), (true, UInt8(ascii: "\n")): break headers
                case (true, 0x80...): return false
                case (false, UInt8(ascii: "\n")): inName = true
                default: break
                }
                position += 1
            }
            searchFrom = found.upperBound
        }
        return true
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
        guard let raw = parameter("filename", inDisposition: value) else { return nil }
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return last.isEmpty || last == "." || last == ".." ? nil : last
    }

    /// The value of parameter `name` of a Content-Disposition value, unquoted.
    static func parameter(_ name: String, inDisposition value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
