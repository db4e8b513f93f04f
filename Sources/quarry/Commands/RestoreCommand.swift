import ArgumentParser
import Foundation
import QuarryCore

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a collection from a backup (verified first).",
        discussion: """
            Restores the newest backup of the collection that verifies, or the one given with \
            --backup, as --collection. An existing collection is replaced only with --force. \
            Stop the server (or at least leave the collection unused) while restoring.
            """
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection to restore (its name after the restore).")
    var collection: String

    @Option(help: "Backup folder to restore (default: the newest valid backup of the collection).")
    var backup: String?

    @Option(help: "Backups folder (default: <data>/.backups).")
    var backups: String?

    @Flag(help: "Replace an existing collection of that name.")
    var force = false

    func run() throws {
        let manager = BackupManager()
        let root = options.backupsRoot(backups)
        let source: URL
        if let backup {
            source = URL(fileURLWithPath: backup, isDirectory: true)
        } else {
            guard let newest = try manager.newestValidBackup(of: collection, in: root) else {
                throw BackupError.noValidBackup(collection: collection, backupsRoot: root.path)
            }
            source = newest.folder
        }
        let restored = try manager.restore(source, into: options.dataDirectory, as: collection, force: force)
        print("\(collection): restored from \(source.path) into \(restored.url.path)")
    }
}
