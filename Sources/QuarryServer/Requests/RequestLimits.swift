import Embeddings
import Foundation

/// Bounds on request values, configurable per server.
public struct RequestLimits: Sendable, Equatable {
    /// Longest accepted query, in Unicode scalars (after trimming): a base letter followed by
    /// combining marks counts each mark.
    public var maxQueryLength: Int
    /// Longest accepted query, in UTF-8 bytes (checked before anything else looks at it).
    public var maxQueryBytes: Int
    /// Longest accepted query, in the model's tokens (prefix and special tokens included).
    public var maxQueryTokens: Int
    /// Largest `top_k`.
    public var maxTopK: Int
    /// Largest JSON body, in bytes.
    public var maxJSONBodyBytes: Int
    /// Largest document upload (a whole multipart body), in bytes.
    public var maxUploadBytes: Int
    /// Largest image upload (a search image, or a whole multipart body of images), in bytes.
    public var maxImageBytes: Int
    /// Most pixels (width × height) of an uploaded image; above the decoder's
    /// ``ImageDecoder/maxDecodedPixels`` images are decoded reduced.
    public var maxImagePixels: Int
    /// Largest ratio of an uploaded image's longer side to its shorter side.
    public var maxImageAspectRatio: Int
    /// Largest header block of a request (request line and fields), or of one multipart part, in bytes.
    public var maxHeaderBytes: Int
    /// Most parts in one multipart form.
    public var maxMultipartParts: Int

    public init(
        maxQueryLength: Int = 1_000, maxQueryBytes: Int = 4_096, maxQueryTokens: Int = 1_024, maxTopK: Int = 50,
        maxJSONBodyBytes: Int = 1 << 20, maxUploadBytes: Int = 32 << 20, maxImageBytes: Int = 10 << 20,
        maxImagePixels: Int = ImageDecoder.defaultMaxPixels, maxImageAspectRatio: Int = ImageDecoder.defaultMaxAspectRatio,
        maxHeaderBytes: Int = 32 << 10, maxMultipartParts: Int = 64
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxQueryLength = maxQueryLength
        self.maxQueryBytes = maxQueryBytes
        self.maxQueryTokens = maxQueryTokens
        self.maxImageAspectRatio = maxImageAspectRatio
        self.maxMultipartParts = maxMultipartParts
        self.maxTopK = maxTopK
        self.maxJSONBodyBytes = maxJSONBodyBytes
        self.maxUploadBytes = maxUploadBytes
        self.maxImageBytes = maxImageBytes
        self.maxImagePixels = maxImagePixels
    }

    /// The image decoder enforcing these limits (a collection library is opened with it).
    public var imageDecoder: ImageDecoder {
        ImageDecoder(maxPixels: maxImagePixels, maxBytes: maxImageBytes, maxAspectRatio: maxImageAspectRatio)
    }

    /// The shape a multipart form must keep to.
    var multipartShape: MultipartForm.Limits {
        MultipartForm.Limits(maxParts: maxMultipartParts, maxHeaderBytes: maxHeaderBytes)
    }

    /// The query without surrounding white space, within the byte and character limits.
    func validatedQuery(_ query: String) throws(APIError) -> String {
        guard query.utf8.count <= maxQueryBytes else {
            throw APIError.invalidRequest("query is \(query.utf8.count) bytes long; the limit is \(maxQueryBytes)")
        }
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw APIError.invalidRequest("query must not be empty") }
        let length = trimmed.unicodeScalars.count
        guard length <= maxQueryLength else {
            throw APIError.invalidRequest("query is \(length) characters long; the limit is \(maxQueryLength)")
        }
        return trimmed
    }

    /// Refuses a query that is `count` model tokens long, above ``maxQueryTokens``.
    func checkQueryTokens(_ count: Int) throws(APIError) {
        guard count <= maxQueryTokens else {
            throw APIError.invalidRequest("query is \(count) tokens long; the limit is \(maxQueryTokens)")
        }
    }

    func validatedTopK(_ topK: Int) throws(APIError) -> Int {
        guard (1...maxTopK).contains(topK) else {
            throw APIError.invalidRequest("top_k must be between 1 and \(maxTopK), got \(topK)")
        }
        return topK
    }
}
