/// A strict reader of `multipart/form-data` bodies (RFC 7578 over RFC 2046).
///
/// It reads the whole body in one pass whose cost is linear in its length: each delimiter
/// (at most 74 bytes) is searched for from where the previous part ended, and header bytes
/// are visited once. Anything outside the grammar is refused with a ``Failure``, never guessed at:
/// header lines must end in CRLF, header names must be HTTP tokens, every part needs a
/// closing delimiter, and the number of parts and the size of each header block are bounded.
struct MultipartForm {
    /// Bounds on the shape of a form, checked while it is read.
    struct Limits: Sendable, Equatable {
        /// Most parts in one form.
        var maxParts: Int
        /// Largest header block of one part, in bytes.
        var maxHeaderBytes: Int

        init(maxParts: Int = 64, maxHeaderBytes: Int = 8 << 10) {
            self.maxParts = maxParts
            self.maxHeaderBytes = maxHeaderBytes
        }
    }

    /// One part of a form.
    struct Part: Sendable {
        /// The part's header fields in the order sent, names lower-cased.
        var headers: [(name: String, value: String)]
        /// The `name` parameter of its `Content-Disposition`.
        var name: String?
        /// The `filename` parameter of its `Content-Disposition`, reduced to its last path component.
        var fileName: String?
        /// The part's content.
        var body: ArraySlice<UInt8>
    }

    /// Why a body is not a well-formed form.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// The boundary is empty, longer than 70 characters or not printable ASCII.
        case invalidBoundary
        /// The body does not start with the boundary delimiter.
        case missingOpeningDelimiter
        /// A part is not followed by another delimiter or the closing one.
        case missingClosingDelimiter
        /// A delimiter line continues with something other than white space and CRLF.
        case malformedDelimiterLine
        /// A header line does not end in CRLF, or has no colon, or a name that is not a token.
        case malformedHeader(String)
        /// A part's header block is larger than ``Limits/maxHeaderBytes``.
        case headerTooLarge(limit: Int)
        /// The form has more than ``Limits/maxParts`` parts.
        case tooManyParts(limit: Int)

        var description: String {
            switch self {
            case .invalidBoundary: "the boundary must be 1 to 70 printable ASCII characters"
            case .missingOpeningDelimiter: "the body does not start with the boundary delimiter"
            case .missingClosingDelimiter: "a part is not closed by a boundary delimiter"
            case .malformedDelimiterLine: "a boundary delimiter line must end in CRLF"
            case .malformedHeader(let problem): "malformed part header: \(problem)"
            case .headerTooLarge(let limit): "a part's header is larger than \(limit) bytes"
            case .tooManyParts(let limit): "the form has more than \(limit) parts"
            }
        }
    }

    /// The parts of `body`, a form whose delimiter is `--boundary`.
    /// - Throws: ``Failure`` for anything but a well-formed form within `limits`.
    static func parse(_ body: [UInt8], boundary: String, limits: Limits = .init()) throws(Failure) -> [Part] {
        let boundaryBytes = Array(boundary.utf8)
        guard (1...70).contains(boundaryBytes.count), boundaryBytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw .invalidBoundary
        }
        let dashBoundary = Array("--".utf8) + boundaryBytes
        let delimiter = Array("\r\n".utf8) + dashBoundary
        guard body.starts(with: dashBoundary) else { throw .missingOpeningDelimiter }

        var parts: [Part] = []
        var position = dashBoundary.count
        while true {
            if body[position...].starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) { return parts }
            position = try endOfDelimiterLine(in: body, from: position)
            guard parts.count < limits.maxParts else { throw .tooManyParts(limit: limits.maxParts) }
            let (headers, bodyStart) = try readHeaders(in: body, from: position, limit: limits.maxHeaderBytes)
            guard let bodyEnd = firstIndex(of: delimiter, in: body, from: bodyStart) else { throw .missingClosingDelimiter }
            parts.append(try makePart(headers: headers, body: body[bodyStart..<bodyEnd]))
            position = bodyEnd + delimiter.count
        }
    }

    /// Skips the transport padding (spaces and tabs) and the CRLF that end a delimiter line.
    private static func endOfDelimiterLine(in body: [UInt8], from start: Int) throws(Failure) -> Int {
        var position = start
        while position < body.count, body[position] == UInt8(ascii: " ") || body[position] == UInt8(ascii: "\t") {
            position += 1
        }
        guard body[position...].starts(with: [UInt8(ascii: "\r"), UInt8(ascii: "\n")]) else { throw .malformedDelimiterLine }
        return position + 2
    }

    /// Reads header lines up to the empty line; returns them and where the part's body starts.
    private static func readHeaders(
        in body: [UInt8], from start: Int, limit: Int
    ) throws(Failure) -> (headers: [(name: String, value: String)], bodyStart: Int) {
        var headers: [(name: String, value: String)] = []
        var lineStart = start
        while true {
            var position = lineStart
            while position < body.count, body[position] != UInt8(ascii: "\r"), body[position] != UInt8(ascii: "\n") {
                guard position - start < limit else { throw .headerTooLarge(limit: limit) }
                position += 1
            }
            guard position + 1 < body.count, body[position] == UInt8(ascii: "\r"), body[position + 1] == UInt8(ascii: "\n") else {
                throw .malformedHeader("header lines must end in CRLF")
            }
            guard position + 2 - start <= limit else { throw .headerTooLarge(limit: limit) }
            if position == lineStart { return (headers, position + 2) }
            headers.append(try headerField(body[lineStart..<position]))
            lineStart = position + 2
        }
    }

    /// One `name: value` line (without its CRLF).
    private static func headerField(_ line: ArraySlice<UInt8>) throws(Failure) -> (name: String, value: String) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw .malformedHeader("a header line has no colon") }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenCharacter) else { throw .malformedHeader("a header name is not an HTTP token") }
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingWhitespace()
        return (String(decoding: name, as: UTF8.self).lowercased(), value)
    }

    private static func makePart(headers: [(name: String, value: String)], body: ArraySlice<UInt8>) throws(Failure) -> Part {
        let disposition = headers.first { $0.name == "content-disposition" }.map { HeaderParameters($0.value) }
        return Part(headers: headers, name: disposition?.parameter("name"), fileName: disposition?.fileName, body: body)
    }

    /// Whether `byte` may appear in an HTTP token (RFC 9110 `tchar`).
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// The first index at or after `start` where `needle` occurs in `haystack`: at most
    /// `needle.count` comparisons per byte, and delimiters are short.
    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count - start >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { bytes in
            var position = start
            while position <= bytes.count - needle.count {
                if bytes[position] == first, bytes[position..<(position + needle.count)].elementsEqual(needle) { return position }
                position += 1
            }
            return nil
        }
    }
}

/// A header value followed by `;`-separated parameters, like `form-data; name="…"; filename="…"`.
struct HeaderParameters {
    private let parameters: [(name: String, value: String)]

    init(_ value: String) {
        parameters = Self.splitParameters(value).dropFirst().compactMap { parameter in
            guard let equals = parameter.firstIndex(of: "=") else { return nil }
            let name = parameter[..<equals].trimmingWhitespace().lowercased()
            return (name, Self.unquoted(parameter[parameter.index(after: equals)...].trimmingWhitespace()))
        }
    }

    /// The value of parameter `name` (case-insensitive), unquoted.
    func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// The `filename` parameter reduced to its last path component; nil for none, `.` or `..`.
    var fileName: String? {
        guard let raw = parameter("filename") else { return nil }
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return last.isEmpty || last == "." || last == ".." ? nil : last
    }

    /// Splits at semicolons outside quoted strings.
    private static func splitParameters(_ value: String) -> [Substring] {
        var pieces: [Substring] = []
        var start = value.startIndex
        var inQuotes = false
        var escaped = false
        for index in value.indices {
            let character = value[index]
            if escaped {
                escaped = false
            } else if inQuotes, character == "\\" {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if character == ";", !inQuotes {
                pieces.append(value[start..<index])
                start = value.index(after: index)
            }
        }
        pieces.append(value[start...])
        return pieces
    }

    /// A quoted string's content with its escapes resolved; other values as they are.
    private static func unquoted(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        var result = ""
        var escaped = false
        for character in text.dropFirst().dropLast() {
            if escaped || character != "\\" {
                result.append(character)
                escaped = false
            } else {
                escaped = true
            }
        }
        return result
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[first...last])
    }
}
