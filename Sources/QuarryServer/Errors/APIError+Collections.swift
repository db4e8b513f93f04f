import QuarryCore

extension APIError {
    /// The answer to a collection or alias change the library refused.
    init(_ error: CollectionError) {
        switch error {
        case .invalidName, .invalidSetting: self.init(.badRequest, code: "invalid_request", message: error.description)
        case .notFound(let name): self = .collectionNotFound(name)
        case .alreadyExists: self.init(.conflict, code: "collection_exists", message: error.description)
        case .aliased: self.init(.conflict, code: "collection_aliased", message: error.description)
        case .unknownModel: self.init(.unprocessableContent, code: "unknown_model", message: error.description)
        case .modelKindMismatch: self.init(.unprocessableContent, code: "model_kind_mismatch", message: error.description)
        case .invalidFactory: self.init(.unprocessableContent, code: "invalid_factory", message: error.description)
        case .unavailable, .unreadableConfiguration, .modelDimensionMismatch:
            self.init(.serviceUnavailable, code: "collection_unavailable", message: error.description)
        case .wrongKind, .incompatibleMerge, .tooFewVectorsToTrain:
            self.init(.unprocessableContent, code: "invalid_request", message: error.description)
        }
    }
}
