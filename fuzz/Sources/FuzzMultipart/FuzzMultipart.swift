import FuzzSupport
@testable import QuarryServer

/// Boundaries the first input byte chooses from: one character, a browser's, every punctuation
/// character RFC 2046 allows (with a space), and the longest allowed (70 characters).
private let boundaries = [
    "B",
    "----WebKitFormBoundary7MA4YWxkTrZu0gW",
    "a'()+_,-./:=? z",
    String(repeating: "x", count: 70),
]

/// The server's default limits on a form's shape (parts, header bytes per part).
private let shape = RequestLimits().multipartShape

/// The input after its first byte as a `multipart/form-data` body whose boundary the first byte
/// chooses, read with the server's default limits. Refusals are expected; crashes are bugs, and
/// so is a form that does not read back the same once its parts are written out again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let input = FuzzInput(start, count).choice(among: boundaries.count) else { return 0 }
    let boundary = boundaries[input.choice]
    guard let parts = try? MultipartForm.parse(input.rest, boundary: boundary, limits: shape) else { return 0 }
    // Written out again, values may grow (invalid UTF-8 reads back as U+FFFD): no header limit.
    do {
        let again = try MultipartForm.parse(serialized(parts, boundary: boundary), boundary: boundary,
                                            limits: .init(maxParts: shape.maxParts, maxHeaderBytes: .max))
        require(again.elementsEqual(parts, by: samePart), "the form's \(parts.count) parts, written out again, read back differently")
    } catch {
        require(false, "the form's \(parts.count) parts, written out again, are refused: \(error)")
    }
    return 0
}

/// The canonical body of `parts`: each part's header fields as `name:value` lines, a blank line,
/// its content, and the closing delimiter after the last part.
private func serialized(_ parts: [MultipartForm.Part], boundary: String) -> [UInt8] {
    var body = Array("--\(boundary)".utf8)
    for part in parts {
        body += Array("\r\n".utf8)
        for header in part.headers {
            body += Array("\(header.name):\(header.value)\r\n".utf8)
        }
        body += Array("\r\n".utf8)
        body += part.body
        body += Array("\r\n--\(boundary)".utf8)
    }
    body += Array("--".utf8)
    return body
}

/// Whether two parts have the same header fields, parameters and content.
private func samePart(_ first: MultipartForm.Part, _ second: MultipartForm.Part) -> Bool {
    first.headers.elementsEqual(second.headers, by: ==) && first.name == second.name
        && first.fileName == second.fileName && first.body.elementsEqual(second.body)
}
