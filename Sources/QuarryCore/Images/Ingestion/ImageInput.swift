import Foundation

/// An encoded image (JPEG, PNG or WebP) with its metadata, to be added to an image collection.
public struct ImageInput: Sendable {
    /// Where the file goes, relative to the collection's media folder (also the item's identity:
    /// adding the same path again replaces a changed image and skips an unchanged one).
    public var path: String
    public var data: Data
    public var category: String
    public var price: Double?
    public var title: String
    public var metadata: [String: JSONValue]

    public init(path: String, data: Data, category: String = "", price: Double? = nil, title: String = "", metadata: [String: JSONValue] = [:]) {
        self.path = path
        self.data = data
        self.category = category
        self.price = price
        self.title = title
        self.metadata = metadata
    }

    /// Whether `path` is a safe relative path: no empty, `.` or `..` components, no leading `/`,
    /// no backslashes or control characters.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), path.utf8.count <= 1_024 else { return false }
        guard !path.unicodeScalars.contains(where: { $0 == "\\" || $0.properties.generalCategory == .control }) else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
