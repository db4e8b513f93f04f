import Hummingbird

extension Request {
    /// The query parameters, refusing any whose name is not in `names`.
    func queryParameters(allowing names: Set<String>) throws(APIError) -> Parameters {
        let parameters = uri.queryParameters
        for (name, _) in parameters where !names.contains(String(name)) {
            throw APIError.invalidRequest("unknown query parameter \"\(name)\"; expected one of \(names.sorted().joined(separator: ", "))")
        }
        return parameters
    }
}
