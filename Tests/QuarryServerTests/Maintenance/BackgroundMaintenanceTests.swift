import Foundation
import Logging
import QuarryCore
import QuarryServer
import Testing

@Suite struct BackgroundMaintenanceTests {
    @Test func scheduledBackupsAreTakenWhenDueAndPruned() throws {
        let server = try TestServer()
        defer { server.remove() }
        let maintenance = BackgroundMaintenance(library: server.library, backupInterval: 3_600, keptBackups: 1, logger: Logger(label: "test"))
        let manager = BackupManager()
        maintenance.backUpDue()
        let first = manager.backups(of: "course", in: maintenance.backupsRoot)
        #expect(first.count == 1)
        #expect(try manager.verify(first[0]).isValid)
        maintenance.backUpDue()
        #expect(manager.backups(of: "course", in: maintenance.backupsRoot) == first)
        maintenance.backUpDue(now: Date().addingTimeInterval(7_200))
        let second = manager.backups(of: "course", in: maintenance.backupsRoot)
        #expect(second.count == 1 && second != first)
    }

    @Test func onlyChangedIndexesAreCheckpointed() throws {
        let server = try TestServer()
        defer { server.remove() }
        let course = try #require(server.library.textCollection(named: "course"))
        try server.library.checkpointAll()
        #expect(try server.library.checkpointChanged().isEmpty)
        try course.add(TextDocument(source: "new.md", contentHash: "n", passages: [.init(text: "Checkpoints write the index to disk.")]))
        #expect(course.index.hasUncheckpointedChanges)
        BackgroundMaintenance(library: server.library, logger: Logger(label: "test")).checkpointChanged()
        #expect(!course.index.hasUncheckpointedChanges)
        let reopened = try TextCollection.open(folder: course.folder, encoder: course.encoder, logger: Logger(label: "test"))
        #expect(!reopened.recovery.changedIndex && reopened.index.count == 4)
    }
}
