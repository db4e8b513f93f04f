import XCTest

@testable import Embeddings

final class WordPieceTokenizerTests: XCTestCase {
    func testIdsMatchGoldenFixtureForEverySentence() throws {
        let encoder = try TextFixtures.miniLMEncoder()
        let fixtures = try TextFixtures.miniLM()
        XCTAssertFalse(fixtures.isEmpty)
        for entry in fixtures {
            let windows = encoder.tokenWindows(entry.text, role: .query)
            XCTAssertEqual(windows.count, 1)
            XCTAssertEqual(windows[0], entry.ids, "\(entry.id) token ids")
            XCTAssertEqual(encoder.tokenizer.tokenize(entry.text).count, entry.wordpieces, "\(entry.id) word pieces")
        }
    }

    func testBasicTokenizerRules() throws {
        let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", "cafe", ",", "!", "猫", "un", "##aff", "##able"]
        let tok = try WordPieceTokenizer(vocabulary: vocab)
        XCTAssertEqual(tok.pieces("Hello, WORLDs!"), ["hello", ",", "world", "##s", "!"])
        XCTAssertEqual(tok.pieces("Café"), ["cafe"])  // accents stripped
        XCTAssertEqual(tok.pieces("cafe\u{301}"), ["cafe"])  // decomposed accents too
        XCTAssertEqual(tok.pieces("hello猫world"), ["hello", "猫", "world"])  // CJK split
        XCTAssertEqual(tok.pieces("unaffable"), ["un", "##aff", "##able"])
        XCTAssertEqual(tok.pieces("unaffablex"), ["[UNK]"])  // no complete split
        XCTAssertEqual(tok.pieces(String(repeating: "s", count: 101)), ["[UNK]"])  // > 100 chars
        XCTAssertEqual(tok.pieces("hello\u{7}\u{200B}world"), tok.pieces("helloworld"))  // control/format chars dropped
        XCTAssertEqual(tok.pieces("hello\tworld\u{3000}"), ["hello", "world"])
        XCTAssertEqual(tok.pieces("a[SEP]b"), ["[UNK]", "[SEP]", "[UNK]"])
        XCTAssertEqual(tok.encode("hello", maxLength: 3), [2, 5, 3])
        XCTAssertEqual(tok.tokenize(""), [])
    }
}
