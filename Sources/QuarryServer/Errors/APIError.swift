import Foundation
import HTTPTypes
import Hummingbird
import QuarryCore

/// An error answered as JSON `{"error": {"code": …, "message": …}}` with its HTTP status.
public struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    public let status: HTTPResponse.Status
    /// Stable machine-readable code, e.g. `invalid_request`, `collection_not_found`.
    public let code: String
    public let message: String
    /// Extra response headers (e.g. `Retry-After`).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(ErrorBody(error: .init(code: code, message: message)))
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func invalidRequest(_ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_request", message: message)
    }

    static func collectionNotFound(_ name: String) -> APIError {
        APIError(.notFound, code: "collection_not_found", message: "collection \"\(name)\" not found")
    }

    /// The answer to a write the storage refused: nothing of it was stored.
    init(storage fault: StorageFault) {
        switch fault {
        case .full:
            self.init(
                .init(code: 507, reasonPhrase: "Insufficient Storage"), code: "insufficient_storage",
                message: "the data folder's disk is full: nothing was stored; retry once space is freed")
        case .readOnly:
            self.init(.serviceUnavailable, code: "read_only", message: "the data folder is read-only: nothing was stored; searches still work")
        case .corrupt:
            self.init(.serviceUnavailable, code: "storage_corrupt", message: "a file of the collection is damaged: nothing was stored")
        }
    }

    static func collectionUnavailable(_ collection: UnavailableCollection) -> APIError {
        APIError(
            .serviceUnavailable, code: "collection_unavailable",
            message: "collection \"\(collection.name)\" could not be opened: \(collection.reason)"
        )
    }
}

/// The JSON shape of every error response.
struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
    }
    let error: Detail
}
