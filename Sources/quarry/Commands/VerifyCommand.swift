import ArgumentParser
import Foundation
import QuarryCore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify backups: file sizes and checksums, store integrity, index loads.",
        discussion: "Prints one line per backup and exits non-zero if any backup is bad or none is found."
    )

    @OptionGroup var options: DataOptions

    @Option(help: "Collection whose backups to verify (default: every backed-up collection).")
    var collection: String?

    @Option(help: "One backup folder to verify instead.")
    var backup: String?

    @Option(help: "Backups folder (default: <data>/.backups).")
    var backups: String?

    func run() throws {
        let manager = BackupManager()
        let root = options.backupsRoot(backups)
        let folders =
            backup.map { [URL(fileURLWithPath: $0, isDirectory: true)] }
            ?? (collection.map { [$0] } ?? manager.backedUpCollections(in: root)).flatMap { manager.backups(of: $0, in: root) }
        guard !folders.isEmpty else {
            FileHandle.standardError.write(Data("verify: no backups in \(root.path)\n".utf8))
            throw ExitCode.failure
        }
        let dates = ISO8601DateFormatter()
        var rows = [["COLLECTION", "BACKUP", "CREATED", "ROWS", "FILES", "STATUS"]]
        var bad = 0
        for folder in folders {
            let report = try manager.verify(folder)
            if !report.isValid { bad += 1 }
            rows.append([
                report.manifest?.collection ?? "?", folder.lastPathComponent, report.manifest.map { dates.string(from: $0.createdAt) } ?? "-",
                report.manifest.map { "\($0.storeRows)" } ?? "-", report.manifest.map { "\($0.files.count)" } ?? "-",
                report.isValid ? "ok" : "BAD: " + report.problems.map(\.description).joined(separator: "; "),
            ])
        }
        let widths = (0..<rows[0].count - 1).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            print((zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) } + [row.last!]).joined(separator: "  "))
        }
        if bad > 0 {
            FileHandle.standardError.write(Data("verify: \(bad) of \(folders.count) backups are bad\n".utf8))
            throw ExitCode.failure
        }
    }
}
