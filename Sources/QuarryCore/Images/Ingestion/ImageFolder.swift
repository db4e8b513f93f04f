import Foundation

/// The image files of a folder tree, for `quarry ingest-images`.
public enum ImageFolder {
    /// File extensions treated as images (those Quarry cannot decode are reported as failures).
    public static let extensions: Set<String> = ["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "heic", "avif"]

    /// Where an image's category comes from, for `animals/birds/owl.png`.
    public enum CategorySource: String, Sendable, CaseIterable {
        /// The folder that holds the file: `birds`.
        case parent
        /// The first folder under the root: `animals`.
        case top
        /// Every folder under the root: `animals/birds`.
        case path
    }

    /// Every image file under `root`, with its path relative to `root` (as seen through any
    /// link), sorted by path. Symbolic links to files and folders are followed, each real folder
    /// is read once (so link cycles end), and a broken link is listed so that reading it reports
    /// the problem. Hidden files and folders are left out.
    public static func files(in root: URL) -> [(url: URL, path: String)] {
        var found: [(url: URL, path: String)] = []
        var visitedFolders: Set<String> = []
        func walk(_ folder: URL, relative: String) {
            guard visitedFolders.insert(folder.resolvingSymlinksInPath().path).inserted,
                let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
            else { return }
            for name in names where !name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                let path = relative.isEmpty ? name : relative + "/" + name
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
                    walk(url, relative: path)
                } else if extensions.contains(url.pathExtension.lowercased()) {
                    found.append((url, path))
                }
            }
        }
        walk(root, relative: "")
        return found.sorted { $0.path < $1.path }
    }

    /// The category an image gets from its place in the tree ("" for a file at the top).
    public static func category(ofPath path: String, from source: CategorySource = .parent) -> String {
        let folders = path.split(separator: "/").dropLast()
        switch source {
        case .parent: return folders.last.map(String.init) ?? ""
        case .top: return folders.first.map(String.init) ?? ""
        case .path: return folders.joined(separator: "/")
        }
    }

    /// The input for the image at `url` (relative `path`), with fields from `record` when given.
    /// - Throws: ``ImageFileError`` when the file cannot be read.
    public static func input(
        url: URL, path: String, record: ImageMetadataRecord?, categoryFrom source: CategorySource = .parent
    ) throws(ImageFileError) -> ImageInput {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ImageFileError(path: path, reason: (error as NSError).localizedDescription)
        }
        let title = record?.title ?? url.deletingPathExtension().lastPathComponent
        return ImageInput(
            path: path, data: data, category: record?.category ?? category(ofPath: path, from: source), price: record?.price,
            title: title, metadata: record?.fields ?? [:]
        )
    }
}

/// An image file that could not be read.
public struct ImageFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path relative to the ingested folder.
    public let path: String
    public let reason: String

    public var description: String { "\(path): \(reason)" }
}
