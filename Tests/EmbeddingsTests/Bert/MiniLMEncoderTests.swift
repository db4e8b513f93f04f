import XCTest

@testable import Embeddings

final class MiniLMEncoderTests: XCTestCase {
    /// cosine(Swift, sentence-transformers) ≥ 0.9999 on every fixture sentence, with the
    /// default precision (bf16 products where the CPU has them) and with fp32 products.
    func testMatchesSentenceTransformersOnEveryFixture() throws {
        let fixtures = try TextFixtures.miniLM()
        for (encoder, label, threshold) in [
            (try TextFixtures.miniLMEncoder(), "default", 0.9999),
            (try TextFixtures.miniLMFloat32Encoder(), "float32", 0.999999),
        ] {
            let batch = try encoder.embed(fixtures.map(\.text), role: .passage)
            var worst: (Double, String) = (1, "")
            for (i, entry) in fixtures.enumerated() {
                let c = cosine(batch[i], entry.vector)
                if c < worst.0 { worst = (c, entry.id) }
                XCTAssertGreaterThanOrEqual(c, threshold, "\(entry.id) (\(label))")
            }
            print("minilm-l6 (\(label) precision): min cosine vs sentence-transformers = \(worst.0) at \(worst.1)")
        }
    }

    func testBatchEqualsSingleAndRolesAreEquivalent() throws {
        let encoder = try TextFixtures.miniLMEncoder()
        let texts = try TextFixtures.miniLM().map(\.text).prefix(10) + [""]
        let batch = try encoder.embed(Array(texts), role: .passage)
        for (i, t) in texts.enumerated() {
            let single = try encoder.embed(t, role: .query)  // no prefixes: roles are the same
            XCTAssertGreaterThanOrEqual(cosine(batch[i], single), 0.99999, "text \(i)")
        }
    }

    func testEmptyAndLongInputs() throws {
        let encoder = try TextFixtures.miniLMEncoder()
        XCTAssertEqual(encoder.tokenWindows("", role: .query), [[101, 102]])
        let v = try encoder.embed("", role: .query)
        XCTAssertEqual(v.count, 384)
        XCTAssertTrue(v.allSatisfy(\.isFinite))
        let long = String(repeating: "vector search ", count: 400)
        let windows = encoder.tokenWindows(long, role: .passage)
        XCTAssertEqual(windows.count, 1)
        XCTAssertEqual(windows[0].count, 256)
        XCTAssertEqual(encoder.longInputPolicy, .truncate)
    }

    func testSIMDPathsAgree() throws {
        let encoder = try TextFixtures.miniLMEncoder()
        let text = "What is a vector database and why would I need one?"
        let best = try encoder.embed(text, role: .query)
        defer { SIMDLevel.limit(to: nil) }
        for level in SIMDLevel.allCases where level < SIMDLevel.detected {
            SIMDLevel.limit(to: level)
            let v = try encoder.embed(text, role: .query)
            XCTAssertGreaterThanOrEqual(cosine(v, best), 0.99999, "\(level)")
        }
    }
}
