import Faiss
import Foundation

/// Writes, lists, prunes and restores backups of collection folders.
///
/// A backup of collection `name` is the folder `<backupsRoot>/<name>/<UTC timestamp>/`
/// (e.g. `20261125T201500Z`, with `-1`, `-2`… when several start in one second). It holds
/// a consistent copy of the store (SQLite's online backup API, safe while the server
/// writes), copies of `collection.json`, `index.faiss` and `index.manifest.json` (the
/// index may be older than the store: opening a restored collection replays the missing
/// rows), the `media/` and `thumbnails/` folders of image collections (hard links where
/// possible), and last `backup.json` (``BackupManifest``). A backup is assembled in a hidden
/// `.partial-…` folder and renamed into place once complete.
public struct BackupManager: Sendable {
    /// Times the index is copied again when a checkpoint replaced it between reading its
    /// manifest and copying it, before the backup rebuilds it from the backed-up store.
    static let indexCopyAttempts = 5

    public init() {}

    /// The backups folder the command-line tools use for `dataDirectory`: `<data>/.backups`
    /// (inside the data folder, so hard links work and the backups move with the data).
    public static func defaultBackupsRoot(for dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent(".backups", isDirectory: true)
    }

    /// Backs up the collection in `folder` into `<backupsRoot>/<name>/<UTC timestamp>/`.
    /// Safe while a server writes to the collection: the store copy holds one committed
    /// state (writers are not blocked), and the index copy matches its manifest.
    /// Throws ``CollectionError`` for an unreadable `collection.json`, ``BackupError`` when
    /// copying fails (the partial folder is then removed).
    public func backup(_ folder: CollectionFolder, to backupsRoot: URL) throws -> BackupInfo {
        let configuration = try folder.readConfiguration()
        let createdAt = Date()
        let parent = backupsRoot.appendingPathComponent(configuration.name, isDirectory: true)
        let partial = parent.appendingPathComponent(".partial-\(Self.timestamp(createdAt))-\(UUID().uuidString)", isDirectory: true)
        try BackupError.during("create", partial.path) {
            try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        }
        do {
            // The store first: every row it holds then has its media file on disk already.
            let storeCopy = partial.appendingPathComponent(folder.storeURL.lastPathComponent)
            let rows = try StoreSnapshot.copy(from: folder.storeURL, to: storeCopy, countingRowsOf: configuration.kind.storeTable)
            try BackupError.during("copy", folder.configurationURL.path) {
                let name = folder.configurationURL.lastPathComponent
                try FileManager.default.copyItem(at: folder.configurationURL, to: partial.appendingPathComponent(name))
            }
            let indexRebuilt = try copyIndex(of: folder, configuration: configuration, into: partial)
            for name in ["media", "thumbnails"] {
                let source = folder.url.appendingPathComponent(name, isDirectory: true)
                if FileManager.default.fileExists(atPath: source.path) {
                    try BackupFiles.linkOrCopyFolder(source, to: partial.appendingPathComponent(name, isDirectory: true))
                }
            }
            try AtomicFile.synchronizeTree(at: partial)
            let manifest = BackupManifest(
                collection: configuration.name, kind: configuration.kind, createdAt: createdAt, storeRows: rows,
                quarryVersion: BuildInfo.version, files: try BackupFiles.describe(partial)
            )
            try BackupError.during("write manifest", partial.path) { try manifest.write(to: partial) }
            let final = try moveIntoPlace(partial, in: parent, named: Self.timestamp(createdAt))
            return BackupInfo(folder: final, manifest: manifest, indexRebuilt: indexRebuilt)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    /// Names of the collections with a folder under `backupsRoot`, sorted.
    public func backedUpCollections(in backupsRoot: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: backupsRoot.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && CollectionConfiguration.isValidName($0) }.sorted()
    }

    /// The complete backups of `collection` (those with a readable `backup.json`, not
    /// otherwise verified), newest first.
    public func backups(of collection: String, in backupsRoot: URL) -> [URL] {
        let parent = backupsRoot.appendingPathComponent(collection, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .map { parent.appendingPathComponent($0, isDirectory: true) }
            .filter { (try? BackupManifest.read(from: $0)) != nil }
    }

    /// When the newest backup of `collection` was taken, or nil when it has none.
    public func newestBackupDate(of collection: String, in backupsRoot: URL) -> Date? {
        backups(of: collection, in: backupsRoot).first.flatMap { try? BackupManifest.read(from: $0).createdAt }
    }

    /// The newest backup of `collection` that verifies, nil when none does.
    public func newestValidBackup(of collection: String, in backupsRoot: URL) throws -> VerificationReport? {
        for folder in backups(of: collection, in: backupsRoot) {
            let report = try verify(folder)
            if report.isValid { return report }
        }
        return nil
    }

    /// Deletes the backups of `collection` older than its `keepNewest` newest backups that
    /// verify: a backup is deleted only once that many newer ones are known good, and one that
    /// fails verification never counts. Also deletes the `.partial-…` folders of backups that
    /// were interrupted (older than `partialAge` seconds, so a backup under way keeps its own).
    /// Returns the deleted folders.
    @discardableResult
    public func prune(collection: String, in backupsRoot: URL, keepNewest: Int = 7, partialAge: TimeInterval = 3_600) throws -> [URL] {
        var deleted = try removeInterruptedBackups(of: collection, in: backupsRoot, olderThan: partialAge)
        var valid = 0
        for folder in backups(of: collection, in: backupsRoot) {
            if valid >= max(keepNewest, 1) {
                try BackupError.during("delete", folder.path) { try FileManager.default.removeItem(at: folder) }
                deleted.append(folder)
            } else if try verify(folder).isValid {
                valid += 1
            }
        }
        return deleted
    }

    /// Deletes the `.partial-…` folders of `collection`'s backups last changed more than `age` seconds ago.
    private func removeInterruptedBackups(of collection: String, in backupsRoot: URL, olderThan age: TimeInterval) throws -> [URL] {
        let parent = backupsRoot.appendingPathComponent(collection, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        var removed: [URL] = []
        for name in names where name.hasPrefix(".partial-") {
            let folder = parent.appendingPathComponent(name, isDirectory: true)
            let modified = (try? folder.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate ?? .distantPast
            guard Date().timeIntervalSince(modified) > age else { continue }
            try BackupError.during("delete", folder.path) { try FileManager.default.removeItem(at: folder) }
            removed.append(folder)
        }
        return removed
    }

    /// Restores the backup in `backupFolder` as collection `name` (the backed-up name by
    /// default) of `dataDirectory`, after verifying it. An existing collection of that name
    /// is replaced only with `force`: it is moved aside as `<name>.replaced-<timestamp>`
    /// while the restored folder is renamed into place, then deleted. The files are copied
    /// (never linked), so the restored collection and the backup stay independent.
    /// Restore a collection while no server has it open.
    @discardableResult
    public func restore(_ backupFolder: URL, into dataDirectory: URL, as name: String? = nil, force: Bool = false) throws -> CollectionFolder {
        let report = try verify(backupFolder)
        guard report.isValid, let manifest = report.manifest else {
            throw BackupError.invalidBackup(path: backupFolder.path, problems: report.problems)
        }
        let name = name ?? manifest.collection
        guard CollectionConfiguration.isValidName(name) else { throw CollectionError.invalidName(name) }
        let target = CollectionFolder(dataDirectory: dataDirectory, name: name)
        let replacing = FileManager.default.fileExists(atPath: target.url.path)
        if replacing && !force { throw BackupError.collectionExists(name: name, path: target.url.path) }

        let staging = CollectionFolder(url: dataDirectory.appendingPathComponent(".restore-\(name)-\(UUID().uuidString)", isDirectory: true))
        do {
            try BackupError.during("copy backup", backupFolder.path) {
                for file in manifest.files {
                    let destination = staging.url.appendingPathComponent(file.path)
                    try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try FileManager.default.copyItem(at: backupFolder.appendingPathComponent(file.path), to: destination)
                }
            }
            if name != manifest.collection {
                var configuration = try staging.readConfiguration()
                configuration.name = name
                try staging.writeConfiguration(configuration)
            }
            try AtomicFile.synchronizeTree(at: staging.url)
            let aside = dataDirectory.appendingPathComponent("\(name).replaced-\(Self.timestamp(Date()))", isDirectory: true)
            if replacing {
                try BackupError.during("move aside", target.url.path) { try FileManager.default.moveItem(at: target.url, to: aside) }
            }
            do {
                try BackupError.during("move into place", target.url.path) {
                    try FileManager.default.moveItem(at: staging.url, to: target.url)
                    try AtomicFile.synchronize([target.url])
                }
            } catch {
                if replacing { try? FileManager.default.moveItem(at: aside, to: target.url) }
                throw error
            }
            // The restore has succeeded: a replaced folder that cannot be deleted is only left behind.
            if replacing { try? FileManager.default.removeItem(at: aside) }
            return target
        } catch {
            try? FileManager.default.removeItem(at: staging.url)
            throw error
        }
    }

    /// Copies `index.faiss` with the manifest it matches (a copy, not a hard link: a backup must
    /// not share the live file's blocks); when the live index keeps changing
    /// (or never matches its manifest), builds one from the backed-up store instead. Returns whether it did.
    private func copyIndex(of folder: CollectionFolder, configuration: CollectionConfiguration, into partial: URL) throws -> Bool {
        let (live, copy) = (folder.indexFiles, CollectionFolder(url: partial).indexFiles)
        let (source, destination) = (live.index, copy.index)
        for attempt in 1...Self.indexCopyAttempts {
            if attempt > 1 { Thread.sleep(forTimeInterval: 0.05 * Double(attempt)) }
            try? FileManager.default.removeItem(at: destination)
            guard let manifest = try? IndexManifest.read(from: live.manifest),
                (try? FileManager.default.copyItem(at: source, to: destination)) != nil,
                (try? FileDigest.sha256(of: destination)) == manifest.sha256
            else { continue }
            try BackupError.during("write index manifest", partial.path) { try manifest.write(to: copy.manifest) }
            return false
        }
        try? FileManager.default.removeItem(at: destination)
        let storeCopy = partial.appendingPathComponent(folder.storeURL.lastPathComponent)
        try rebuildIndex(configuration: configuration, store: storeCopy, into: partial)
        try StoreSnapshot.makeSelfContained(storeCopy)
        return true
    }

    /// Builds and checkpoints an index over every vector of the store copy at `store`.
    private func rebuildIndex(configuration: CollectionConfiguration, store: URL, into partial: URL) throws {
        let source: any VectorSource =
            switch configuration.kind {
            case .text: try PassageStore(url: store, dimension: configuration.dimension)
            case .image: try ImageStore(url: store, dimension: configuration.dimension)
            }
        let (index, factory) = try LiveIndex.build(wanting: configuration.factory, metric: configuration.metric, source: source)
        try LiveIndex(
            index: index, factory: factory, wantedFactory: configuration.factory, metric: configuration.metric, source: source,
            files: CollectionFolder(url: partial).indexFiles, lifetime: FolderLifetime(name: configuration.name)
        ).checkpoint()
    }

    /// Renames the finished `partial` folder to `name` (or `name-1`, `name-2`… if taken) in `parent`.
    private func moveIntoPlace(_ partial: URL, in parent: URL, named name: String) throws(BackupError) -> URL {
        var final = parent.appendingPathComponent(name, isDirectory: true)
        var suffix = 0
        while FileManager.default.fileExists(atPath: final.path) {
            suffix += 1
            final = parent.appendingPathComponent("\(name)-\(suffix)", isDirectory: true)
        }
        try BackupError.during("move into place", final.path) {
            try FileManager.default.moveItem(at: partial, to: final)
            try AtomicFile.synchronize([final])
        }
        return final
    }

    /// `date` as a UTC timestamp for folder names, e.g. `20261125T201500Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }
}

extension CollectionKind {
    /// The store table with one row per passage or image.
    var storeTable: String {
        switch self {
        case .text: "passages"
        case .image: "images"
        }
    }
}
