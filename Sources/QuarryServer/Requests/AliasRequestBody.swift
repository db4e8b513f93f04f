/// `PUT /v1/aliases/{alias}`: `{"collection": "course-v2"}`.
struct AliasRequestBody: Decodable {
    let collection: String

    enum CodingKeys: String, CodingKey { case collection }

    init(from decoder: any Decoder) throws {
        try StrictJSON.rejectUnknownKeys(in: decoder, allowed: ["collection"])
        collection = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .collection)
    }
}
