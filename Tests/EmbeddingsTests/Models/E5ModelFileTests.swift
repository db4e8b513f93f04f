import Foundation
import XCTest

@testable import Embeddings

final class E5ModelFileTests: XCTestCase {
    func testHeaderAndDirectory() throws {
        let path = TextFixtures.e5Path
        guard FileManager.default.fileExists(atPath: path.path) else {
            throw XCTSkip("model file \(path.path) is absent; run scripts/fetch-models.sh")
        }
        let file = try E5ModelFile(contentsOf: path)
        let h = file.header
        XCTAssertEqual(
            [
                h.hiddenSize, h.layerCount, h.headCount, h.intermediateSize, h.vocabularySize, h.maxPositions,
                h.tokenTypeCount, h.quantBlockSize,
            ], [384, 12, 12, 1536, 250_037, 512, 2, 32])
        XCTAssertEqual(h.layerNormEpsilon, 1e-12, accuracy: 1e-15)
        XCTAssertEqual(file.tokenizerModel.pieceCount, 250_002)
        XCTAssertEqual(file.tokenizerModel.piece(0), "<s>")
        XCTAssertEqual(file.tokenizerModel.piece(250_001), "<mask>")
        XCTAssertEqual(file.tensors.count, 5 + 12 * 16)
        XCTAssertEqual(try file.info("emb.word").type, .q4Blocks)
        XCTAssertEqual(try file.info("l0.q.w").elementCount, 384 * 384)
        XCTAssertEqual(try file.info("emb.ln.w").type, .f32)
        // Full-width Ａ normalises to A.
        XCTAssertEqual(file.tokenizerModel.normalization[0xFF21], ["A"])
        let w = try file.floats("l0.q.w")
        XCTAssertEqual(w.count, 384 * 384)
        XCTAssertTrue(w.allSatisfy(\.isFinite))
    }

    func testRejectsDamagedFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quarry-e5-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let empty = dir.appendingPathComponent("empty.bin")
        try Data().write(to: empty)
        XCTAssertThrowsError(try E5ModelFile(contentsOf: empty))

        let wrongMagic = dir.appendingPathComponent("magic.bin")
        try Data("NOPE0000000000000000".utf8).write(to: wrongMagic)
        XCTAssertThrowsError(try E5ModelFile(contentsOf: wrongMagic)) { error in
            XCTAssertTrue("\(error)".contains("magic"), "\(error)")
        }

        XCTAssertThrowsError(try E5ModelFile(contentsOf: dir.appendingPathComponent("missing.bin"))) { error in
            guard case EmbeddingError.fileUnreadable = error else { return XCTFail("\(error)") }
        }

        // A real file cut short.
        let path = TextFixtures.e5Path
        guard FileManager.default.fileExists(atPath: path.path) else { return }
        let handle = try FileHandle(forReadingFrom: path)
        let head = try handle.read(upToCount: 3_000_000) ?? Data()
        try handle.close()
        let truncated = dir.appendingPathComponent("truncated.bin")
        try head.write(to: truncated)
        XCTAssertThrowsError(try E5ModelFile(contentsOf: truncated)) { error in
            XCTAssertTrue("\(error)".contains("beyond the end"), "\(error)")
        }
    }
}
