import QuarryCore

/// `duplicate_of` in an answer: the stored image an uploaded or searched image nearly
/// duplicates, with its score and the fields of ``ImageItemResponse``.
struct DuplicateResponse: Encodable {
    let score: Double
    let item: ImageItemResponse

    init(_ hit: ImageSearchHit, collection: String) {
        score = hit.score
        item = ImageItemResponse(hit.image, collection: collection)
    }

    enum CodingKeys: String, CodingKey { case score }

    func encode(to encoder: any Encoder) throws {
        try item.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(score, forKey: .score)
    }
}
