import Hummingbird
import NIOCore

extension Request {
    /// The whole body, at most `limit` bytes long.
    ///
    /// A declared `Content-Length` above the limit is refused at once with 413, before any
    /// body byte is read, and the connection is closed after the answer; a body that grows
    /// past the limit is refused with 413 too. A body whose framing is broken (a bad chunk
    /// size, say) is answered 400.
    func collectBody(upTo limit: Int) async throws(APIError) -> ByteBuffer {
        if let declared = headers[.contentLength], declared.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            declared.count > 18 || Int(declared)! > limit
        {
            var error = APIError.bodyTooLarge(limit: limit)
            error.headers[.connection] = "close"
            throw error
        }
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: limit)
        } catch {
            throw APIError.invalidRequest("the request body could not be read: \(error)")
        }
    }
}

extension APIError {
    /// 413: the body is larger than `limit` bytes.
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "payload_too_large", message: "the request body is larger than \(limit) bytes")
    }
}
