import Hummingbird

/// The answer of `POST /v1/collections/{name}/documents`.
struct DocumentsResponse: ResponseEncodable {
    struct Document: Encodable {
        let source: String
        /// "stored" or "unchanged".
        let status: String
        let passages: Int
    }

    let collection: String
    var documents: [Document] = []
    /// Vectors in the collection afterwards.
    var vectors = 0
    var seq = WriteSequence()
}
