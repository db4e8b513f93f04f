/// `POST /v1/collections/{name}/reindex`: `{"factory": "HNSW32,Flat"}`, or an empty body to keep the index type.
struct ReindexRequestBody: Decodable {
    let factory: String?

    enum CodingKeys: String, CodingKey { case factory }

    init(from decoder: any Decoder) throws {
        try StrictJSON.rejectUnknownKeys(in: decoder, allowed: ["factory"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        factory = try container.decodeIfPresent(String.self, forKey: .factory)
    }
}
