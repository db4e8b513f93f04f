import Foundation
/// Bounds on request values, configurable per server.
public struct RequestLimits: Sendable, Equatable {
    /// Longest accepted query, in characters (after trimming).
    public var maxQueryLength: Int
    /// Largest `top_k`.
    public var maxTopK: Int
    /// Largest JSON body, in bytes.
    public var maxJSONBodyBytes: Int
    /// Largest file upload (a whole multipart body), in bytes.
    public var maxUploadBytes: Int

    public init(maxQueryLength: Int = 1_000, maxTopK: Int = 50, maxJSONBodyBytes: Int = 1 << 20, maxUploadBytes: Int = 32 << 20) {
        self.maxQueryLength = maxQueryLength
        self.maxTopK = maxTopK
        self.maxJSONBodyBytes = maxJSONBodyBytes
        self.maxUploadBytes = maxUploadBytes
    }

    func validatedQuery(_ query: String) throws(APIError) -> String {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw APIError.invalidRequest("query must not be empty") }
        guard trimmed.count <= maxQueryLength else {
            throw APIError.invalidRequest("query is \(trimmed.count) characters long; the limit is \(maxQueryLength)")
        }
        return trimmed
    }

    func validatedTopK(_ topK: Int) throws(APIError) -> Int {
        guard (1...maxTopK).contains(topK) else {
            throw APIError.invalidRequest("top_k must be between 1 and \(maxTopK), got \(topK)")
        }
        return topK
    }
}
