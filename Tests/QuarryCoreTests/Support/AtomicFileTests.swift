import Foundation
import Synchronization
import Testing

@testable import QuarryCore

@Suite struct AtomicFileTests {
    /// Issue #14: the temporary file was named from the file name and process id only, so two
    /// writes of one file at the same time shared it and one of them failed or tore the other.
    @Test func concurrentWritesOfOneFileEachLeaveAWholeVersion() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let target = folder.url.appendingPathComponent("collection.json")
        let versions = (0..<8).map { writer in Data(repeating: UInt8(65 + writer), count: 256 * 1_024) }
        // Eight threads at once (not tasks, which the cooperative pool may run one after another).
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: versions.count) { writer in
            for _ in 0..<50 {
                do { try AtomicFile.write(versions[writer], to: target, synchronize: false) } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(versions.contains(try Data(contentsOf: target)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["collection.json"])
    }

    @Test func aFailedWriteLeavesTheOldContentAndNoTemporaryFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let target = folder.url.appendingPathComponent("index.manifest.json")
        try AtomicFile.write(Data("old".utf8), to: target)
        // A folder in the way of the rename.
        let blocked = folder.url.appendingPathComponent("blocked")
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(throws: POSIXError.self) { try AtomicFile.write(Data("new".utf8), to: blocked) }
        #expect(try Data(contentsOf: target) == Data("old".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["blocked", "index.manifest.json"])
    }
}
