import Embeddings
import Foundation

extension ImageInput {
    /// An uploaded file, stored as `uploads/<first 32 hex digits of its SHA-256>.<format>`: the
    /// same bytes uploaded again are the same item, and no client-chosen name reaches the disk.
    /// The file's own name is kept in the metadata (`file_name`) and, without a title, as the title.
    public static func upload(
        _ data: Data, fileName: String, category: String = "", price: Double? = nil, title: String? = nil, metadata: [String: JSONValue] = [:]
    ) -> ImageInput {
        var metadata = metadata
        metadata["file_name"] = .string(fileName)
        let format = ImageFormat.sniff(data)
        return ImageInput(
            path: "uploads/\(ContentHash.sha256(data).prefix(32)).\(format.isDecodable ? format.rawValue : "bin")", data: data,
            category: category, price: price, title: title ?? fileName, metadata: metadata
        )
    }
}
