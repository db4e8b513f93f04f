import Embeddings
import Foundation

/// Bounds on request values, configurable per server.
public struct RequestLimits: Sendable, Equatable {
    /// Longest accepted query, in characters (after trimming).
    public var maxQueryLength: Int
    /// Largest `top_k`.
    public var maxTopK: Int
    /// Largest JSON body, in bytes.
    public var maxJSONBodyBytes: Int
    /// Largest document upload (a whole multipart body), in bytes.
    public var maxUploadBytes: Int
    /// Largest image upload (a search image, or a whole multipart body of images), in bytes.
    public var maxImageBytes: Int
    /// Most pixels (width × height) of an uploaded image.
    public var maxImagePixels: Int

    public init(
        maxQueryLength: Int = 1_000, maxTopK: Int = 50, maxJSONBodyBytes: Int = 1 << 20, maxUploadBytes: Int = 32 << 20,
        maxImageBytes: Int = 10 << 20, maxImagePixels: Int = 50_000_000
    ) {
        self.maxQueryLength = maxQueryLength
        self.maxTopK = maxTopK
        self.maxJSONBodyBytes = maxJSONBodyBytes
        self.maxUploadBytes = maxUploadBytes
        self.maxImageBytes = maxImageBytes
        self.maxImagePixels = maxImagePixels
    }

    /// The image decoder enforcing these limits (a collection library is opened with it).
    public var imageDecoder: ImageDecoder {
        ImageDecoder(maxPixels: maxImagePixels, maxBytes: maxImageBytes)
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
