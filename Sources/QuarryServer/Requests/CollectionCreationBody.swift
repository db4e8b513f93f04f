import QuarryCore

/// `PUT /v1/collections/{name}`: `{"kind": "text", "model": "e5-small", "factory": "HNSW32,Flat",
/// "settings": {"top_k": 5, "nprobe": 8, "ef_search": 64, "duplicate_threshold": 0.8},
/// "shards": 2, "replicas": 2}`; all but `kind` and `model` optional (Quarry then chooses the index
/// from the collection's size, and keeps its own defaults). `shards` and `replicas` split a text
/// collection over the nodes of a cluster.
struct CollectionCreationBody: Decodable {
    let kind: CollectionKind
    let model: String
    let factory: String?
    let settings: Settings?
    let shards: Int?
    let replicas: Int?

    /// The collection's own defaults.
    struct Settings: Decodable {
        let topK: Int?
        let nprobe: Int?
        let efSearch: Int?
        let duplicateThreshold: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case topK = "top_k"
            case nprobe
            case efSearch = "ef_search"
            case duplicateThreshold = "duplicate_threshold"
        }

        init(from decoder: any Decoder) throws {
            try StrictJSON.rejectUnknownKeys(in: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            topK = try container.decodeIfPresent(Int.self, forKey: .topK)
            nprobe = try container.decodeIfPresent(Int.self, forKey: .nprobe)
            efSearch = try container.decodeIfPresent(Int.self, forKey: .efSearch)
            duplicateThreshold = try container.decodeIfPresent(Double.self, forKey: .duplicateThreshold)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case kind, model, factory, settings, shards, replicas }

    init(from decoder: any Decoder) throws {
        try StrictJSON.rejectUnknownKeys(in: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(CollectionKind.self, forKey: .kind)
        model = try container.decode(String.self, forKey: .model)
        factory = try container.decodeIfPresent(String.self, forKey: .factory)
        settings = try container.decodeIfPresent(Settings.self, forKey: .settings)
        shards = try container.decodeIfPresent(Int.self, forKey: .shards)
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas)
    }

    /// The collection asked for, once every setting is checked against `limits`.
    func specification(limits: RequestLimits) throws(APIError) -> CollectionSpecification {
        var specification = CollectionSpecification(kind: kind, model: model, factory: factory)
        if shards != nil || replicas != nil {
            specification.sharding = ShardLayout(shards: shards ?? 1, replicas: replicas ?? 1)
        }
        guard let settings else { return specification }
        if settings.topK != nil || settings.nprobe != nil || settings.efSearch != nil {
            for (name, value) in [("nprobe", settings.nprobe), ("ef_search", settings.efSearch)] {
                if let value, !(1...1_000_000).contains(value) {
                    throw APIError.invalidRequest("settings.\(name) must be between 1 and 1000000, got \(value)")
                }
            }
            specification.searchDefaults = .init(
                topK: try limits.validatedTopK(settings.topK ?? CollectionConfiguration.SearchDefaults().topK),
                nprobe: settings.nprobe, efSearch: settings.efSearch
            )
        }
        if let threshold = settings.duplicateThreshold {
            let range = ImageCollection.duplicateThresholdRange
            guard range.contains(threshold) else {
                throw APIError.invalidRequest(
                    "settings.duplicate_threshold must be between \(range.lowerBound) and \(range.upperBound), got \(threshold)")
            }
            specification.duplicateThreshold = threshold
        }
        return specification
    }
}
