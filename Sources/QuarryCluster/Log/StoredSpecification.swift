import Foundation
import QuarryCore

/// A ``CollectionSpecification`` as the JSON text `quarry_collections.specification` holds.
struct StoredSpecification: Codable, Equatable {
    var kind: CollectionKind
    var model: String
    var factory: String?
    var searchDefaults: CollectionConfiguration.SearchDefaults?
    var duplicateThreshold: Double?

    init(_ specification: CollectionSpecification) {
        kind = specification.kind
        model = specification.model
        factory = specification.factory
        searchDefaults = specification.searchDefaults
        duplicateThreshold = specification.duplicateThreshold
    }

    init(json: String) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(json.utf8))
    }

    var specification: CollectionSpecification {
        CollectionSpecification(
            kind: kind, model: model, factory: factory, searchDefaults: searchDefaults, duplicateThreshold: duplicateThreshold
        )
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Strings, numbers and a Codable struct of them always encode.
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}
