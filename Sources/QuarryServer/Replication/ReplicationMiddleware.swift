import HTTPTypes
import Hummingbird
import QuarryCore

/// Cluster mode: a request carrying `min_seq` (query parameter) or `Quarry-Min-Seq` (header) is
/// answered once this node has applied the change log up to that sequence number, or refused
/// with 503 `not_caught_up` after ``wait``; every answer carries `Quarry-Seq`, the sequence
/// number this node had applied when it answered.
struct ReplicationMiddleware: RouterMiddleware {
    typealias Context = QuarryRequestContext

    let replication: any ChangeReplication
    /// Longest wait for this node to catch up.
    var wait: Duration = .seconds(10)

    static let minimumSequenceParameter = "min_seq"
    static let minimumSequenceHeader = HTTPField.Name("Quarry-Min-Seq")!
    static let sequenceHeader = HTTPField.Name("Quarry-Seq")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let text = request.uri.queryParameters[Substring(Self.minimumSequenceParameter)].map(String.init)
            ?? request.headers[Self.minimumSequenceHeader]
        {
            guard let sequence = Int64(text), sequence >= 0 else {
                throw APIError.invalidRequest("min_seq must be a non-negative integer, not \"\(text)\"")
            }
            guard await replication.waitUntilApplied(sequence, timeout: wait) else {
                var refusal = APIError(
                    .serviceUnavailable, code: "not_caught_up",
                    message: "this node has applied the change log up to \(replication.status().appliedSequence), not yet \(sequence)"
                )
                refusal.headers[.retryAfter] = "1"
                throw refusal
            }
        }
        var response = try await next(request, context)
        response.headers[Self.sequenceHeader] = String(replication.status().appliedSequence)
        return response
    }
}
