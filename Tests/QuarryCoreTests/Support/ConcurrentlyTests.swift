import Testing

@testable import QuarryCore

@Suite struct ConcurrentlyTests {
    struct Failure: Error, Equatable {
        let side: String
    }

    @Test func returnsBothResults() throws {
        let (number, text) = try concurrently({ 6 * 7 }, { "forty-two" })
        #expect(number == 42 && text == "forty-two")
    }

    @Test func rethrowsEitherError() {
        #expect(throws: Failure(side: "second")) { try concurrently({ 1 }, { () throws -> Int in throw Failure(side: "second") }) }
        #expect(throws: Failure(side: "first")) {
            try concurrently({ () throws -> Int in throw Failure(side: "first") }, { () throws -> Int in throw Failure(side: "second") })
        }
    }
}
