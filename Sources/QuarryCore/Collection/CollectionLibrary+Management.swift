import Embeddings
import Faiss
import Foundation

extension CollectionLibrary {
    /// Creates collection `name` as `specification` asks, checking the name, model and factory
    /// before anything is written. Returns false, creating nothing, when an identical collection
    /// of that name exists.
    /// - Throws: ``CollectionError/invalidName(_:)``; ``CollectionError/alreadyExists(_:)`` when a
    ///   different collection, one that could not be opened, or an alias has that name;
    ///   ``CollectionError/unknownModel(_:known:)``, ``CollectionError/modelKindMismatch(model:kind:)``
    ///   ``CollectionError/invalidFactory(_:reason:)`` or ``CollectionError/invalidSetting(_:)``;
    ///   whatever loading the model throws.
    @discardableResult
    public func create(_ name: String, as specification: CollectionSpecification) throws -> Bool {
        guard CollectionConfiguration.isValidName(name) else { throw CollectionError.invalidName(name) }
        return try lifecycle.withLock { _ in
            if aliases.target(of: name) != nil || unavailable.withLock({ $0[name] }) != nil {
                throw CollectionError.alreadyExists(name)
            }
            if let existing = openCollection(exactly: name)?.configuration {
                guard specification.matches(existing) else { throw CollectionError.alreadyExists(name) }
                return false
            }
            try Self.validate(specification)
            let collection: any IndexedCollection =
                switch specification.kind {
                case .text: try textCollection(creating: name, model: specification.model, factory: specification.factory)
                case .image: try imageCollection(creating: name, model: specification.model, factory: specification.factory)
                }
            try collection.updateConfiguration(specification.apply)
            logger.notice(
                "collection created",
                metadata: [
                    "collection": "\(name)", "kind": "\(specification.kind.rawValue)", "model": "\(specification.model)",
                    "factory": "\(specification.factory ?? "automatic")",
                ])
            return true
        }
    }

    /// Deletes collection `name` with its files, whether it is open or could not be opened; its
    /// backups are kept. Returns false when there is no such collection.
    /// - Throws: ``CollectionError/aliased(name:aliases:)`` while an alias names it.
    @discardableResult
    public func deleteCollection(named name: String) throws -> Bool {
        try lifecycle.withLock { _ in
            let folder = CollectionFolder(dataDirectory: dataDirectory, name: name)
            guard CollectionConfiguration.isValidName(name), folder.exists else {
                return false
            }
            let naming = aliases.aliases(of: name)
            guard naming.isEmpty else { throw CollectionError.aliased(name: name, aliases: naming) }
            // Out of every lookup first, then off the disk: a folder whose name starts with "."
            // is never opened as a collection, so a crash part-way leaves nothing half deleted.
            let text = textCollections.withLock { $0.removeValue(forKey: name) }
            let image = imageCollections.withLock { $0.removeValue(forKey: name) }
            unavailable.withLock { _ = $0.removeValue(forKey: name) }
            // Writes and rebuilds under way finish first; later ones on a collection object
            // obtained before this are refused rather than writing into a vanished folder.
            text?.index.lifetime.end()
            image?.index.lifetime.end()
            let aside = dataDirectory.appendingPathComponent(".deleted-\(name)-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.moveItem(at: folder.url, to: aside)
            try FileManager.default.removeItem(at: aside)
            logger.notice("collection deleted", metadata: ["collection": "\(name)"])
            return true
        }
    }

    /// Every alias with the collection it names.
    public var aliasTargets: [String: String] {
        aliases.all
    }

    /// Points `alias` at collection `collection`, creating the alias or moving it in one step;
    /// returns the collection it named before, if any.
    /// - Throws: ``CollectionError/invalidName(_:)``; ``CollectionError/alreadyExists(_:)`` when a
    ///   collection is called `alias`; ``CollectionError/notFound(_:)`` when there is no
    ///   collection `collection` (an alias cannot name another alias).
    @discardableResult
    public func setAlias(_ alias: String, to collection: String) throws -> String? {
        guard CollectionConfiguration.isValidName(alias) else { throw CollectionError.invalidName(alias) }
        return try lifecycle.withLock { _ in
            if CollectionFolder(dataDirectory: dataDirectory, name: alias).exists {
                throw CollectionError.alreadyExists(alias)
            }
            guard openCollection(exactly: collection) != nil else {
                throw CollectionError.notFound(collection)
            }
            let previous = try aliases.set(alias, to: collection)
            logger.notice("alias set", metadata: ["alias": "\(alias)", "collection": "\(collection)", "previous": "\(previous ?? "none")"])
            return previous
        }
    }

    /// Removes `alias`; returns the collection it named, or nil when there was no such alias.
    @discardableResult
    public func removeAlias(_ alias: String) throws -> String? {
        try lifecycle.withLock { _ in
            guard aliases.target(of: alias) != nil else { return nil }
            let previous = try aliases.set(alias, to: nil)
            logger.notice("alias removed", metadata: ["alias": "\(alias)", "collection": "\(previous ?? "none")"])
            return previous
        }
    }

    /// Checks that `specification` names a known model of its kind, a valid factory and settings
    /// that apply to its kind, writing nothing.
    /// - Throws: ``CollectionError/unknownModel(_:known:)``, ``CollectionError/modelKindMismatch(model:kind:)``,
    ///   ``CollectionError/invalidFactory(_:reason:)`` or ``CollectionError/invalidSetting(_:)``.
    public static func validate(_ specification: CollectionSpecification) throws(CollectionError) {
        guard let entry = try? ModelRegistry.entry(named: specification.model) else {
            throw CollectionError.unknownModel(specification.model, known: ModelRegistry.entries.map(\.name))
        }
        guard entry.kind.rawValue == specification.kind.rawValue else {
            throw CollectionError.modelKindMismatch(model: specification.model, kind: specification.kind)
        }
        if let factory = specification.factory {
            do {
                try IndexFactory.validate(factory, dimension: entry.dimension)
            } catch {
                throw CollectionError.invalidFactory(factory, reason: "\(error)")
            }
        }
        if specification.kind == .text, specification.duplicateThreshold != nil {
            throw CollectionError.invalidSetting("duplicate_threshold applies to image collections only")
        }
        if let sharding = specification.sharding {
            guard specification.kind == .text else { throw CollectionError.invalidSetting("only text collections can be sharded") }
            guard ShardLayout.shardRange.contains(sharding.shards), ShardLayout.replicaRange.contains(sharding.replicas) else {
                throw CollectionError.invalidSetting(
                    "shards must be \(ShardLayout.shardRange.lowerBound)–\(ShardLayout.shardRange.upperBound) and replicas "
                        + "\(ShardLayout.replicaRange.lowerBound)–\(ShardLayout.replicaRange.upperBound), got \(sharding.shards) and \(sharding.replicas)"
                )
            }
        }
    }

    /// The open collection called `name`, never resolving it as an alias.
    private func openCollection(exactly name: String) -> (any IndexedCollection)? {
        textCollections.withLock { $0[name] } ?? imageCollections.withLock { $0[name] }
    }
}
