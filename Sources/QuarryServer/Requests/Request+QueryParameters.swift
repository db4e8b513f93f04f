import Hummingbird

extension Request {
    /// The query parameters, refusing any whose name is not in `names` or ``ReplicationMiddleware/minimumSequenceParameter``.
    func queryParameters(allowing names: Set<String>) throws(APIError) -> Parameters {
        let parameters = uri.queryParameters
        let names = names.union([ReplicationMiddleware.minimumSequenceParameter])
        for (name, _) in parameters where !names.contains(String(name)) {
            throw APIError.invalidRequest("unknown query parameter \"\(name)\"; expected one of \(names.sorted().joined(separator: ", "))")
        }
        return parameters
    }
}
