import Foundation
import Testing

@testable import QuarryServer

/// The multipart reader: well-formed forms, every malformed shape refused, linear time.
@Suite struct MultipartFormTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func readsFilesAndFields() throws {
        let body = bytes(
            "--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"dir/a;b.png\"\r\nContent-Type: image/png\r\n\r\n"
                + "\u{89}PNG\r\n--C\r\n--B\r\ncontent-disposition: form-data; name=price\r\n\r\n12.5\r\n--B--\r\nepilogue"
        )
        let parts = try MultipartForm.parse(body, boundary: "B")
        #expect(parts.count == 2)
        #expect(parts[0].name == "image" && parts[0].fileName == "a;b.png")
        #expect(parts[0].headers.map(\.name) == ["content-disposition", "content-type"])
        #expect(Array(parts[0].body) == bytes("\u{89}PNG\r\n--C"))
        #expect(parts[1].name == "price" && parts[1].fileName == nil && Array(parts[1].body) == bytes("12.5"))
    }

    @Test func anEmptyFormHasNoParts() throws {
        #expect(try MultipartForm.parse(bytes("--B--\r\n"), boundary: "B").isEmpty)
    }

    /// The 46-byte body that crashed the server through MultipartKit: a part header ending in a bare LF.
    @Test func aBareLineFeedInAPartHeaderIsRefused() {
        #expect(throws: MultipartForm.Failure.malformedHeader("header lines must end in CRLF")) {
            try MultipartForm.parse(bytes("--B\r\nContent-Type: x\n\r\n\u{89}PNG\r\n--B--\r\n"), boundary: "B")
        }
    }

    @Test(arguments: [
        ("no delimiter at all", "hello"),
        ("preamble before the delimiter", "junk\r\n--B\r\n\r\nx\r\n--B--"),
        ("no CRLF after the delimiter", "--Bjunk\r\n\r\nx\r\n--B--"),
        ("bare CR in a header", "--B\r\nA: b\rC: d\r\n\r\nx\r\n--B--"),
        ("header without a colon", "--B\r\nNoColon\r\n\r\nx\r\n--B--"),
        ("non-token header name", "--B\r\nNa\u{e9}me: x\r\n\r\nx\r\n--B--"),
        ("empty header name", "--B\r\n: x\r\n\r\nx\r\n--B--"),
        ("unclosed part", "--B\r\nA: b\r\n\r\nbody without end"),
        ("headers never end", "--B\r\nA: b\r\n"),
    ])
    func malformedBodiesAreRefused(_ problem: String, _ text: String) {
        #expect(throws: MultipartForm.Failure.self, "\(problem)") { try MultipartForm.parse(bytes(text), boundary: "B") }
    }

    @Test func boundariesMustBeShortPrintableASCII() {
        for boundary in ["", String(repeating: "b", count: 71), "b\r\n"] {
            #expect(throws: MultipartForm.Failure.invalidBoundary) { try MultipartForm.parse(bytes("--x--"), boundary: boundary) }
        }
    }

    @Test func partsAndHeaderSizesAreBounded() throws {
        let part = "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n"
        let three = bytes(String(repeating: part, count: 3) + "--B--")
        #expect(try MultipartForm.parse(three, boundary: "B", limits: .init(maxParts: 3)).count == 3)
        #expect(throws: MultipartForm.Failure.tooManyParts(limit: 2)) {
            try MultipartForm.parse(three, boundary: "B", limits: .init(maxParts: 2))
        }
        let longHeader = bytes("--B\r\nX: \(String(repeating: "a", count: 200))\r\n\r\nv\r\n--B--")
        #expect(throws: MultipartForm.Failure.headerTooLarge(limit: 100)) {
            try MultipartForm.parse(longHeader, boundary: "B", limits: .init(maxHeaderBytes: 100))
        }
    }

    /// The old guard scanned ahead to a newline after every delimiter: 480 KB of `--B` took 43 s.
    @Test func delimitersWithoutNewlinesAreReadInLinearTime() {
        let hostile = [UInt8](repeating: 0, count: 3 << 20).enumerated().map { Array("--B".utf8)[$0.offset % 3] }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect((try? MultipartForm.parse(hostile, boundary: "B"))?.isEmpty == true, "--B-- closes the form")
            #expect(throws: MultipartForm.Failure.missingClosingDelimiter) {
                try MultipartForm.parse(Array("--B\r\n\r\n".utf8) + hostile, boundary: "B")
            }
        }
        #expect(elapsed < .seconds(2), "3 MiB of delimiters took \(elapsed)")
    }
}
