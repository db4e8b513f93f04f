import ArgumentParser
import Foundation
import QuarryCore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up collections (store, index, media) into a backups folder.",
        discussion: """
            Each backup is <backups>/<collection>/<UTC timestamp>/ with a consistent copy of the \
            store (safe while the server writes), the index, collection.json, media and thumbnails, \
            and backup.json listing every file with its size and SHA-256. Backups default to \
            <data>/.backups. Older backups beyond --keep are deleted.
            """
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection to back up (default: every collection).")
    var collection: String?

    @Option(help: "Backups folder (default: <data>/.backups).")
    var to: String?

    @Option(help: "Backups kept per collection; older ones are deleted.")
    var keep = 7

    func run() throws {
        guard keep >= 1 else { throw ValidationError("--keep must be at least 1") }
        let root = options.backupsRoot(to)
        let folders = try options.collectionFolders(collection)
        let manager = BackupManager()
        var failed = false
        for folder in folders {
            let name = folder.url.lastPathComponent
            do {
                let info = try manager.backup(folder, to: root)
                let pruned = try manager.prune(collection: info.manifest.collection, in: root, keepNewest: keep)
                print(
                    "\(name): \(info.folder.path) (\(info.manifest.storeRows) rows, \(info.manifest.files.count) files, "
                        + "\(ByteCountFormatter.string(fromByteCount: info.manifest.totalSize, countStyle: .file)))"
                        + (pruned.isEmpty ? "" : ", \(pruned.count) old deleted"))
                if info.indexRebuilt { print("\(name): the index kept changing; the backup holds one rebuilt from its store") }
            } catch {
                failed = true
                FileHandle.standardError.write(Data("backup: \(name): \(error)\n".utf8))
            }
        }
        if failed { throw ExitCode.failure }
    }
}

extension DataOptions {
    /// `path`, or the default backups folder of the data folder.
    func backupsRoot(_ path: String?) -> URL {
        path.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? BackupManager.defaultBackupsRoot(for: dataDirectory)
    }

    /// The folder of collection `name`, or of every collection when nil.
    func collectionFolders(_ name: String?) throws -> [CollectionFolder] {
        guard let name else { return CollectionFolder.all(in: dataDirectory) }
        let folder = CollectionFolder(dataDirectory: dataDirectory, name: name)
        guard folder.exists else {
            throw ValidationError("collection \"\(name)\" not found in \(data)")
        }
        return [folder]
    }
}
