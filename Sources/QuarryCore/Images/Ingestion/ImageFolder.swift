import Foundation

/// The image files of a folder tree, for `quarry ingest-images`.
public enum ImageFolder {
    /// File extensions treated as images (those Quarry cannot decode are reported as failures).
    public static let extensions: Set<String> = ["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "heic", "avif"]

    /// Every image file under `root`, with its path relative to `root`, sorted by path.
    /// Hidden files and folders are left out.
    public static func files(in root: URL) -> [(url: URL, path: String)] {
        let base = root.standardizedFileURL.resolvingSymlinksInPath().path
        let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]
        )
        var found: [(url: URL, path: String)] = []
        while let url = enumerator?.nextObject() as? URL {
            guard extensions.contains(url.pathExtension.lowercased()),
                (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
            else { continue }
            let full = url.standardizedFileURL.resolvingSymlinksInPath().path
            guard full.hasPrefix(base + "/") else { continue }
            found.append((url, String(full.dropFirst(base.count + 1))))
        }
        return found.sorted { $0.path < $1.path }
    }

    /// The category an image gets from its place in the tree: its folder's name
    /// (`shoes/red/1.jpg` → `red`), or "" for a file at the top.
    public static func category(ofPath path: String) -> String {
        let components = path.split(separator: "/")
        return components.count > 1 ? String(components[components.count - 2]) : ""
    }

    /// The input for the image at `url` (relative `path`), with fields from `record` when given.
    public static func input(url: URL, path: String, record: ImageMetadataRecord?) throws -> ImageInput {
        let data = try Data(contentsOf: url)
        let title = record?.title ?? url.deletingPathExtension().lastPathComponent
        return ImageInput(
            path: path, data: data, category: record?.category ?? category(ofPath: path), price: record?.price,
            title: title, metadata: record?.fields ?? [:]
        )
    }
}
