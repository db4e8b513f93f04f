import Hummingbird
import QuarryCore

/// Creating and deleting collections, and the aliases that name them: `PUT` / `DELETE
/// /v1/collections/{name}`, `GET /v1/aliases`, `PUT` / `DELETE /v1/aliases/{alias}`. Every
/// change needs the admin token.
struct CollectionManagementRoutes {
    let library: CollectionLibrary
    let limits: RequestLimits
    let cache: SearchCache
    let executor: SearchExecutor
    let writes: WriteCoordinator

    struct Deleted: ResponseEncodable {
        let collection: String
        let deleted: Bool
        let seq: WriteSequence
    }

    struct Alias: ResponseEncodable {
        let alias: String
        let collection: String
        /// The collection the alias named before this change, if any.
        var previous: String?
        var seq = WriteSequence()
    }

    struct AliasList: ResponseEncodable {
        struct Entry: Encodable {
            let alias: String
            let collection: String
        }

        let aliases: [Entry]
    }

    func register(on groups: RouteGroups) {
        let collections = groups.writes.group("v1/collections")
        collections.put(":name", use: createCollection)
        collections.delete(":name", use: deleteCollection)
        let aliases = groups.writes.group("v1/aliases")
        aliases.put(":alias", use: setAlias)
        aliases.delete(":alias", use: removeAlias)
        groups.reads.get("v1/aliases", use: listAliases)
    }

    /// `PUT /v1/collections/{name}`: 201 with the new collection, 200 when an identical one
    /// exists, 409 when a different one (or an alias) has the name.
    func createCollection(_ request: Request, _ context: QuarryRequestContext) async throws -> EditedResponse<CollectionSummary> {
        let name = try context.parameters.require("name")
        let body = try await StrictJSON.decode(CollectionCreationBody.self, from: request, limit: limits.maxJSONBodyBytes)
        let specification = try body.specification(limits: limits)
        let outcome = try await writes.createCollection(name, as: specification)
        var summary = try await library.summary(named: name, detailed: false, executor: executor)
        summary.seq = WriteSequence(outcome.sequence)
        return EditedResponse(status: outcome.changed ? .created : .ok, response: summary)
    }

    /// `DELETE /v1/collections/{name}`: the collection and its files (its backups are kept);
    /// 409 while an alias names it.
    func deleteCollection(_ request: Request, _ context: QuarryRequestContext) async throws -> Deleted {
        let name = try context.parameters.require("name")
        if let target = library.aliasTargets[name] {
            throw APIError.invalidRequest("\"\(name)\" is an alias of collection \"\(target)\": delete it with DELETE /v1/aliases/\(name)")
        }
        let outcome = try await writes.deleteCollection(name)
        guard outcome.changed else { throw APIError.collectionNotFound(name) }
        cache.entries.removeAll()
        return Deleted(collection: name, deleted: true, seq: WriteSequence(outcome.sequence))
    }

    /// `GET /v1/aliases`: every alias with its collection, by alias.
    func listAliases(_ request: Request, _ context: QuarryRequestContext) async throws -> AliasList {
        AliasList(aliases: library.aliasTargets.sorted { $0.key < $1.key }.map { .init(alias: $0.key, collection: $0.value) })
    }

    /// `PUT /v1/aliases/{alias}`: points the alias at a collection in one atomic step; 201 when
    /// the alias is new, else 200 with the collection it named before.
    func setAlias(_ request: Request, _ context: QuarryRequestContext) async throws -> EditedResponse<Alias> {
        let alias = try context.parameters.require("alias")
        let body = try await StrictJSON.decode(AliasRequestBody.self, from: request, limit: limits.maxJSONBodyBytes)
        let outcome = try await writes.setAlias(alias, to: body.collection)
        return EditedResponse(
            status: outcome.previousTarget == nil ? .created : .ok,
            response: Alias(alias: alias, collection: body.collection, previous: outcome.previousTarget, seq: WriteSequence(outcome.sequence)))
    }

    /// `DELETE /v1/aliases/{alias}`: removes the alias (never its collection).
    func removeAlias(_ request: Request, _ context: QuarryRequestContext) async throws -> Alias {
        let alias = try context.parameters.require("alias")
        let outcome = try await writes.removeAlias(alias)
        guard let target = outcome.previousTarget else {
            throw APIError(.notFound, code: "alias_not_found", message: "alias \"\(alias)\" not found")
        }
        return Alias(alias: alias, collection: target, seq: WriteSequence(outcome.sequence))
    }
}
