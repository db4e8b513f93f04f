/// Reads the document title from an Office package's core properties (`docProps/core.xml`).
enum OfficeCoreProperties {
    /// The `dc:title`, if the package has one that is not blank.
    static func title(in package: OfficePackage) -> String? {
        guard package.contains("docProps/core.xml"), let root = try? package.xml("docProps/core.xml") else { return nil }
        let title = root.child("title")?.textContent.collapsingWhitespace() ?? ""
        return title.isEmpty ? nil : title
    }
}
