import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decodes the bytes of a text file: UTF-8 (with or without a byte-order mark), UTF-16 with a
/// byte-order mark, then GB18030 (for Chinese text saved in a legacy code page) when the bytes look
/// like it, then ISO-8859-1 (Latin-1), which accepts any byte sequence.
///
/// Bytes with NUL characters that are not UTF-16 are rejected as binary.
public struct TextFileDecoder: Sendable {
    /// An encoding the decoder can use.
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        case utf8 = "UTF-8"
        case utf16 = "UTF-16"
        case gb18030 = "GB18030"
        case latin1 = "ISO-8859-1"
    }

    /// The result of decoding: the text and the encoding that produced it.
    public struct Decoded: Sendable, Hashable {
        /// The decoded text, without a byte-order mark.
        public var text: String
        /// The encoding used.
        public var encoding: Encoding
    }

    /// Creates a decoder.
    public init() {}

    /// Decodes `data`; `name` labels errors.
    public func decode(_ data: Data, name: String) throws(DocumentReadError) -> Decoded {
        let bytes = [UInt8](data)
        // UTF-16 with a byte-order mark.
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            if let text = Self.decodeUTF16(bytes) {
                return Decoded(text: text, encoding: .utf16)
            }
            throw .undecodableText(path: name, triedEncodings: [Encoding.utf16.rawValue])
        }
        if bytes.contains(0) {
            throw .binaryContent(path: name)
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) {
            body = body.dropFirst(3)
        }
        if let text = String(validating: body, as: UTF8.self) {
            return Decoded(text: text, encoding: .utf8)
        }
        if Self.looksLikeGB(bytes), let text = Self.iconvDecode(bytes, from: "GB18030") {
            return Decoded(text: text, encoding: .gb18030)
        }
        // Latin-1 maps every byte to the scalar of the same value.
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return Decoded(text: String(scalars), encoding: .latin1)
    }

    private static func decodeUTF16(_ bytes: [UInt8]) -> String? {
        let bigEndian = bytes[0] == 0xFE
        guard bytes.count % 2 == 0 else { return nil }
        var units = [UInt16]()
        units.reserveCapacity(bytes.count / 2 - 1)
        var index = 2
        while index + 1 < bytes.count {
            let (hi, lo) = bigEndian ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
            units.append(UInt16(hi) << 8 | UInt16(lo))
            index += 2
        }
        var result = String.UnicodeScalarView()
        var iterator = units.makeIterator()
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): result.append(scalar)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        return String(result)
    }

    /// Whether the non-ASCII bytes are mostly well-formed GB2312 double-byte characters (lead byte
    /// 0xA1–0xF7 followed by 0xA1–0xFE): the common Chinese characters of GBK/GB18030 text. Latin-1
    /// text rarely has two high bytes in a row, so it fails this test.
    static func looksLikeGB(_ bytes: [UInt8]) -> Bool {
        var pairs = 0
        var highBytes = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            if index + 1 < bytes.count, (0xA1...0xF7).contains(byte), (0xA1...0xFE).contains(bytes[index + 1]) {
                pairs += 1
                highBytes += 2
                index += 2
            } else {
                highBytes += 1
                index += 1
            }
        }
        return highBytes > 0 && Double(pairs * 2) >= Double(highBytes) * 0.8
    }

    /// Converts with the C library's iconv; `nil` if the converter is unavailable or the bytes are
    /// invalid in `encoding`.
    static func iconvDecode(_ bytes: [UInt8], from encoding: String) -> String? {
        #if canImport(Glibc) || canImport(Musl)
            let converter = iconv_open("UTF-8", encoding)
            guard let converter, converter != iconv_t(bitPattern: -1) else { return nil }
            defer { iconv_close(converter) }
            var input = bytes.map { CChar(bitPattern: $0) }
            var output = [CChar](repeating: 0, count: bytes.count * 4 + 16)
            let ok: Bool = input.withUnsafeMutableBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                    var inLeft = inBuffer.count
                    var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
                    var outLeft = outBuffer.count
                    let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    guard result != -1, inLeft == 0 else { return false }
                    let written = outBuffer.count - outLeft
                    outBuffer[written] = 0
                    return true
                }
            }
            guard ok else { return nil }
            let end = output.firstIndex(of: 0) ?? output.count
            return String(validating: output[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #else
            let cfEncoding = CFStringConvertEncodingToNSStringEncoding(
                CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue))
            return String(data: Data(bytes), encoding: String.Encoding(rawValue: cfEncoding))
        #endif
    }
}
