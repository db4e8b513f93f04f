import Foundation
import Hummingbird
import QuarryCore

/// The query parameters of the image search endpoints: `top_k`, `nprobe`,
/// `category`, `price_min`, `price_max`. Unknown parameters are refused.
struct ImageQuery: Sendable, Equatable {
    var topK: Int
    var nprobe: Int?
    var filter: ImageFilter

    static let names: Set<String> = ["top_k", "nprobe", "category", "price_min", "price_max"]

    init(_ request: Request, limits: RequestLimits, defaultTopK: Int) throws(APIError) {
        let parameters = try request.queryParameters(allowing: Self.names)
        topK = try limits.validatedTopK(Self.integer(parameters["top_k"], name: "top_k") ?? defaultTopK)
        nprobe = try Self.integer(parameters["nprobe"], name: "nprobe")
        if let nprobe, !(1...65_536).contains(nprobe) {
            throw APIError.invalidRequest("nprobe must be between 1 and 65536, got \(nprobe)")
        }
        var filter = ImageFilter()
        if let category = parameters["category"].map(String.init) {
            guard !category.isEmpty, category.count <= 200 else {
                throw APIError.invalidRequest("category must be 1–200 characters long")
            }
            filter.category = category
        }
        filter.priceMin = try Self.price(parameters["price_min"], name: "price_min")
        filter.priceMax = try Self.price(parameters["price_max"], name: "price_max")
        if let low = filter.priceMin, let high = filter.priceMax, low > high {
            throw APIError.invalidRequest("price_min (\(low)) is greater than price_max (\(high))")
        }
        self.filter = filter
    }

    static func integer(_ value: Substring?, name: String) throws(APIError) -> Int? {
        guard let value else { return nil }
        guard let number = Int(value) else { throw APIError.invalidRequest("\(name) must be an integer, got \"\(value)\"") }
        return number
    }

    private static func price(_ value: Substring?, name: String) throws(APIError) -> Double? {
        guard let value else { return nil }
        guard let number = Double(value), number.isFinite, number >= 0 else {
            throw APIError.invalidRequest("\(name) must be a non-negative number, got \"\(value)\"")
        }
        return number
    }
}

extension ImageQuery {
    /// The cheaper query a server runs under load, with as many results: a quarter of
    /// the inverted lists (at least 1) of `defaultNprobe`.
    func degraded(defaultNprobe: Int?) -> ImageQuery {
        var query = self
        query.nprobe = (nprobe ?? defaultNprobe).map { max(1, $0 / 4) }
        return query
    }
}
