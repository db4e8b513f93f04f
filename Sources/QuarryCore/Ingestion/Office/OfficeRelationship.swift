/// One relationship from an Office part's `_rels/*.rels` file.
struct OfficeRelationship: Sendable, Hashable {
    /// The relationship id (`rId2`), referenced from the part's XML.
    var id: String
    /// The relationship type URI; compared by its last path component (`slide`, `notesSlide`).
    var type: String
    /// The target part's path inside the package (resolved, without a leading slash); for external
    /// targets, the target as written.
    var target: String
    /// Whether the target lies outside the package (a hyperlink).
    var isExternal: Bool

    /// The last component of ``type`` (`http://…/relationships/slide` → `slide`).
    var kind: String {
        type.split(separator: "/").last.map(String.init) ?? type
    }

    /// Resolves `target` written relative to the part `sourcePart` into a package path.
    static func resolve(_ target: String, relativeTo sourcePart: String) -> String {
        if target.hasPrefix("/") { return normalize(String(target.dropFirst())) }
        var components = sourcePart.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if !components.isEmpty { components.removeLast() }  // the source part's file name
        return normalize((components + [target]).joined(separator: "/"))
    }

    private static func normalize(_ path: String) -> String {
        var result: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !result.isEmpty { result.removeLast() }
            default: result.append(component)
            }
        }
        return result.joined(separator: "/").removingPercentEncodingIfPossible()
    }
}

extension String {
    fileprivate func removingPercentEncodingIfPossible() -> String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? self
    }
}
