import XCTest

@testable import Embeddings

/// Many tasks using one encoder at once get exactly the results of sequential calls.
/// (Named …ConcurrencyTests so that `make test` also runs it under ThreadSanitizer.)
final class TextEncoderConcurrencyTests: XCTestCase {
    private func check(_ encoder: BertEncoder, texts: [String], tasks: Int) async throws {
        let expected = try texts.map { try encoder.embed($0, role: .query) }
        let expectedBatch = try encoder.embed(texts, role: .passage)
        try await withThrowingTaskGroup(of: (Int, [Float]?, EmbeddingMatrix?).self) { group in
            for k in 0..<tasks {
                group.addTask {
                    if k % 4 == 3 {  // some tasks embed the whole batch (multi-threaded inside)
                        return (k, nil, try encoder.embed(texts, role: .passage))
                    }
                    return (k, try encoder.embed(texts[k % texts.count], role: .query), nil)
                }
            }
            for try await (k, single, batch) in group {
                if let single { XCTAssertEqual(single, expected[k % texts.count], "\(encoder.name) task \(k)") }
                if let batch { XCTAssertEqual(batch, expectedBatch, "\(encoder.name) task \(k) (batch)") }
            }
        }
    }

    func testE5ConcurrentCallsGiveIdenticalResults() async throws {
        let encoder = try TextFixtures.e5Encoder()
        try await check(
            encoder,
            texts: [
                "如何在北京找到便宜的住房？", "What is a vector database?", "passage one", "",
                String(repeating: "向量检索 ", count: 60),
            ], tasks: 16)
    }

    func testMiniLMConcurrentCallsGiveIdenticalResults() async throws {
        let encoder = try TextFixtures.miniLMEncoder()
        try await check(
            encoder,
            texts: [
                "how much protein should a female eat", "vector databases", "", "short",
                String(repeating: "nearest neighbour search ", count: 40),
            ], tasks: 16)
    }
}
