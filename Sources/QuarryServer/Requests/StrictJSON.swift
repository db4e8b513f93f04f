import Foundation
import Hummingbird

/// Strict JSON request bodies: bounded size, JSON content type, no unknown
/// fields, and every decoding problem answered as a 4xx ``APIError``.
enum StrictJSON {
    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Throws when the object being decoded has a key outside `allowed`.
    static func rejectUnknownKeys(in decoder: any Decoder, allowed: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = container.allKeys.map(\.stringValue).first(where: { !allowed.contains($0) }) {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath + [AnyKey(stringValue: unknown)],
                    debugDescription: "unknown field \"\(unknown)\" (allowed: \(allowed.joined(separator: ", ")))"
                ))
        }
    }

    /// Reads at most `limit` bytes of `request`'s body and decodes it as `T`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        if let contentType = request.headers[.contentType], !contentType.lowercased().contains("json") {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "expected a JSON body (Content-Type: application/json), got \(contentType)")
        }
        let buffer = try await request.collectBody(upTo: limit)
        guard buffer.readableBytes > 0 else { throw APIError.invalidRequest("request body is empty; expected a JSON object") }
        return try decode(type, from: Data(buffer: buffer))
    }

    /// Most arrays and objects nested in one another in a request body.
    static let maxNesting = 32

    /// Decodes `data` as `T`, once its nesting is checked: Foundation's decoder rebuilds the coding
    /// path at every level, so 8 KB of `[` took seconds.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(APIError) -> T {
        let depth = nestingDepth(data)
        guard depth <= maxNesting else {
            throw APIError.invalidRequest("JSON nests \(depth) arrays or objects deep; the limit is \(maxNesting)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError.invalidRequest(describe(error))
        } catch {
            throw APIError.invalidRequest("malformed JSON: \(error.localizedDescription)")
        }
    }

    /// The deepest nesting of arrays and objects in `data`, brackets inside strings not counted;
    /// one pass, whatever the bytes are.
    static func nestingDepth(_ data: Data) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
        return deepest
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.isEmpty ? "body" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)): expected \(typeName(type)), got null"
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): required field is missing"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "malformed JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "invalid JSON body"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "a JSON \(String(describing: type).lowercased())"
        }
    }
}
