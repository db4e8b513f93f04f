import Foundation
import Testing

@testable import QuarryCore

@Suite struct FolderLifetimeTests {
    @Test func endWaitsForTheOperationUnderWayAndRefusesLaterOnes() async throws {
        let lifetime = FolderLifetime(name: "photos")
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let ended = DispatchSemaphore(value: 0)
        let operation = Thread {
            try? lifetime.whileOpen {
                // Nested operations count too.
                try lifetime.whileOpen {
                    started.signal()
                    release.wait()
                }
            }
        }
        operation.start()
        started.wait()
        Thread {
            lifetime.end()
            ended.signal()
        }.start()
        #expect(ended.wait(timeout: .now() + 0.3) == .timedOut, "end() returned while an operation ran")
        #expect(throws: CollectionError.notFound("photos")) { try lifetime.whileOpen {} }
        release.signal()
        #expect(ended.wait(timeout: .now() + 10) == .success)
    }

    @Test func anOperationThatThrowsStillLetsEndReturn() throws {
        struct Failure: Error {}
        let lifetime = FolderLifetime(name: "course")
        #expect(throws: Failure.self) { try lifetime.whileOpen { throw Failure() } }
        #expect(try lifetime.whileOpen { 42 } == 42)
        lifetime.end()
        #expect(throws: CollectionError.notFound("course")) { try lifetime.whileOpen { 1 } }
    }
}
