import QuarryCore

/// `PUT /v1/collections/{name}`: `{"kind": "text", "model": "e5-small", "factory": "HNSW32,Flat"}`;
/// `factory` is optional (Quarry then chooses the index from the collection's size).
struct CollectionCreationBody: Decodable {
    let specification: CollectionSpecification

    enum CodingKeys: String, CodingKey { case kind, model, factory }

    init(from decoder: any Decoder) throws {
        try StrictJSON.rejectUnknownKeys(in: decoder, allowed: ["kind", "model", "factory"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        specification = CollectionSpecification(
            kind: try container.decode(CollectionKind.self, forKey: .kind),
            model: try container.decode(String.self, forKey: .model),
            factory: try container.decodeIfPresent(String.self, forKey: .factory)
        )
    }
}
