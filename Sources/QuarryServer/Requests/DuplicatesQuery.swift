import Hummingbird
import QuarryCore

/// The query parameters of `GET …/duplicates`: `threshold` (a score in 0–1) and `limit`
/// (most groups listed, 1–1000). Unknown parameters are refused.
struct DuplicatesQuery: Sendable, Equatable {
    var threshold: Double
    var limit = 100

    static let names: Set<String> = ["threshold", "limit"]
    static let maximumLimit = 1_000

    init(_ request: Request, defaultThreshold: Double) throws(APIError) {
        let parameters = try request.queryParameters(allowing: Self.names)
        threshold = defaultThreshold
        if let text = parameters["threshold"] {
            let range = ImageCollection.duplicateThresholdRange
            guard let value = Double(text), range.contains(value) else {
                throw APIError.invalidRequest("threshold must be a number between \(range.lowerBound) and \(range.upperBound), got \"\(text)\"")
            }
            threshold = value
        }
        if let value = try ImageQuery.integer(parameters["limit"], name: "limit") {
            guard (1...Self.maximumLimit).contains(value) else {
                throw APIError.invalidRequest("limit must be between 1 and \(Self.maximumLimit), got \(value)")
            }
            limit = value
        }
    }
}
