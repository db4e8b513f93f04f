import Hummingbird
import Logging
import QuarryCore

/// Answers every error as JSON: ``APIError`` as it is, a ``CollectionError`` as its API error, Hummingbird's own
/// HTTP errors (unknown route, body too large, …) with their status, a full
/// disk as 507 and a read-only or damaged data folder as 503 (nothing was
/// written; the request can be retried), and any other error as a logged 500
/// whose message reveals nothing internal.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as CollectionError {
            // A refusal no route answered itself, such as a collection deleted while the request ran.
            throw APIError(error)
        } catch let error as HTTPError {
            throw APIError(error.status, code: Self.code(for: error.status), message: error.body ?? error.status.reasonPhrase)
        } catch {
            if let fault = StorageFault.of(error) {
                context.logger.error("storage fault", metadata: ["error": "\(error)", "path": "\(request.uri.path)", "fault": "\(fault)"])
                throw APIError(storage: fault)
            }
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            throw APIError(.internalServerError, code: "internal_error", message: "the server failed to handle the request")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "payload_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .unauthorized: "unauthorized"
        default: status.code < 500 ? "invalid_request" : "internal_error"
        }
    }
}
