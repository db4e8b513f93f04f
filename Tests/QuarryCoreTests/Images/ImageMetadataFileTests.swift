import Foundation
import QuarryCore
import Testing

@Suite struct ImageMetadataFileTests {
    /// Writes `contents` as `name` into a fresh temporary folder.
    private func file(_ name: String, _ contents: String) throws -> (url: URL, folder: TemporaryFolder) {
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        return (url, folder)
    }

    @Test func csvWithQuotingBOMAndCRLF() throws {
        let csv =
            "\u{FEFF}Path,Category,price,title,colour,notes\r\n"
            + "./shoes/red.jpg,Shoes, 49.90 ,\"Red shoe, size 42\",red,\"said \"\"wow\"\"\"\r\n"
            + "shoes\\blue.jpg,,,,blue,\"two\r\nlines\"\r\n"
            + "\r\n"
            + "hats/cap.png,Hats,0,Cap,,\r\n"
        let (url, folder) = try file("meta.csv", csv)
        defer { folder.remove() }
        let records = try ImageMetadataFile.read(contentsOf: url)
        #expect(records.count == 3)
        #expect(
            records["shoes/red.jpg"]
                == ImageMetadataRecord(
                    path: "shoes/red.jpg", category: "Shoes", price: 49.9, title: "Red shoe, size 42",
                    fields: ["colour": .string("red"), "notes": .string("said \"wow\"")]
                ))
        #expect(
            records["shoes/blue.jpg"]
                == ImageMetadataRecord(
                    path: "shoes/blue.jpg", fields: ["colour": .string("blue"), "notes": .string("two\nlines")]
                ))
        #expect(records["hats/cap.png"] == ImageMetadataRecord(path: "hats/cap.png", category: "Hats", price: 0, title: "Cap"))
    }

    @Test func csvWithLFAndAFileColumn() throws {
        let (url, folder) = try file("META.CSV", "file,sku\n\"a,b.jpg\",\"\"\"1\"\"\"\n/c/./d.jpg,7")
        defer { folder.remove() }
        let records = try ImageMetadataFile.read(contentsOf: url)
        #expect(records["a,b.jpg"]?.fields == ["sku": .string("\"1\"")])
        #expect(records["c/d.jpg"]?.fields == ["sku": .string("7")])
    }

    @Test func jsonLines() throws {
        let jsonl = """
            {"path": "./a.jpg", "category": "Bags", "price": 12.5, "title": " Tote ", "tags": ["red", "canvas"], "stock": 3}\r

              \t
            {"filename": "b/c.jpg", "category": null, "price": "7", "extra": {"x": true}}
            {"FILE": "d.jpg"}

            """
        let (url, folder) = try file("meta.jsonl", jsonl)
        defer { folder.remove() }
        let records = try ImageMetadataFile.read(contentsOf: url)
        #expect(records.count == 3)
        #expect(
            records["a.jpg"]
                == ImageMetadataRecord(
                    path: "a.jpg", category: "Bags", price: 12.5, title: "Tote",
                    fields: ["tags": .array([.string("red"), .string("canvas")]), "stock": .number(3)]
                ))
        #expect(records["b/c.jpg"] == ImageMetadataRecord(path: "b/c.jpg", price: 7, fields: ["extra": .object(["x": .bool(true)])]))
        #expect(records["d.jpg"] == ImageMetadataRecord(path: "d.jpg"))
    }

    @Test func normalizedPaths() {
        #expect(ImageMetadataFile.normalizedPath("./a//b/./c.jpg") == "a/b/c.jpg")
        #expect(ImageMetadataFile.normalizedPath(" .\\x\\y.png ") == "x/y.png")
        #expect(ImageMetadataFile.normalizedPath("./") == "")
    }

    @Test func unsupportedAndUnreadableFiles() throws {
        let (url, folder) = try file("meta.tsv", "path\ta\n")
        defer { folder.remove() }
        #expect(throws: ImageMetadataError.unsupportedFormat(file: url.path, fileExtension: "tsv")) {
            try ImageMetadataFile.read(contentsOf: url)
        }
        let missing = folder.url.appendingPathComponent("missing.csv")
        #expect(throws: ImageMetadataError.unreadableFile(file: missing.path, reason: "no such file")) {
            try ImageMetadataFile.read(contentsOf: missing)
        }
        let binary = folder.url.appendingPathComponent("binary.jsonl")
        try Data([0x7B, 0xFF, 0xFE, 0x7D]).write(to: binary)
        #expect(throws: ImageMetadataError.unreadableFile(file: binary.path, reason: "not UTF-8 text")) {
            try ImageMetadataFile.read(contentsOf: binary)
        }
    }

    /// Malformed files: the file name, its contents, and the error expected given the file's path.
    static let failures: [(String, String, @Sendable (String) -> ImageMetadataError)] = [
        ("no-path.csv", "name,category\nx.jpg,A\n", { ImageMetadataError.missingPathColumn(file: $0, line: 1) }),
        ("empty.csv", "", { ImageMetadataError.missingPathColumn(file: $0, line: 1) }),
        ("no-path.jsonl", "{\"path\": \"a.jpg\"}\n{\"name\": \"b.jpg\"}\n", { ImageMetadataError.missingPathColumn(file: $0, line: 2) }),
        ("empty-path.csv", "path,title\n\"a.jpg\",A\n ,B\n", { ImageMetadataError.emptyPath(file: $0, line: 3) }),
        ("number-path.jsonl", "{\"path\": 5}", { ImageMetadataError.emptyPath(file: $0, line: 1) }),
        ("quote.csv", "path,title\na.jpg,\"one\ntwo\"\nb.jpg,\"never\nclosed\n", { ImageMetadataError.unterminatedQuote(file: $0, line: 4) }),
        (
            "columns.csv", "path,title\r\na.jpg,\"x\r\ny\"\r\nb.jpg,B,extra\r\n",
            { ImageMetadataError.wrongColumnCount(file: $0, line: 4, expected: 2, found: 3) }
        ),
        ("few.csv", "path,title,price\na.jpg,A,1\nb.jpg\n", { ImageMetadataError.wrongColumnCount(file: $0, line: 3, expected: 3, found: 1) }),
        (
            "array.jsonl", "{\"path\": \"a.jpg\"}\n\n[1, 2]\n",
            { ImageMetadataError.malformedJSON(file: $0, line: 3, reason: "the line holds [1,2], not an object") }
        ),
        ("category.jsonl", "{\"path\": \"a.jpg\", \"Category\": 3}", { ImageMetadataError.notText(file: $0, line: 1, key: "Category") }),
        ("price.csv", "path,price\na.jpg,12\nb.jpg,$12\n", { ImageMetadataError.invalidPrice(file: $0, line: 3, value: "$12") }),
        ("negative.csv", "path,price\na.jpg,-5\n", { ImageMetadataError.invalidPrice(file: $0, line: 2, value: "-5") }),
        ("negative.jsonl", "{\"path\": \"a.jpg\", \"price\": -1.5}", { ImageMetadataError.invalidPrice(file: $0, line: 1, value: "-1.5") }),
        ("bool.jsonl", "{\"path\": \"a.jpg\", \"price\": true}", { ImageMetadataError.invalidPrice(file: $0, line: 1, value: "true") }),
        ("duplicate.csv", "path\n./a.jpg\nb.jpg\na.jpg\n", { ImageMetadataError.duplicatePath(file: $0, line: 4, imagePath: "a.jpg", firstLine: 2) }),
    ]

    @Test(arguments: failures)
    func rejects(name: String, contents: String, expected: @Sendable (String) -> ImageMetadataError) throws {
        let (url, folder) = try file(name, contents)
        defer { folder.remove() }
        #expect(throws: expected(url.path)) {
            try ImageMetadataFile.read(contentsOf: url)
        }
    }

    @Test func malformedJSONLine() throws {
        let (url, folder) = try file("broken.jsonl", "{\"path\": \"a.jpg\"}\n{\"path\": \"b.jpg\",\n")
        defer { folder.remove() }
        let error = #expect(throws: ImageMetadataError.self) {
            try ImageMetadataFile.read(contentsOf: url)
        }
        guard case .malformedJSON(let file, let line, let reason)? = error else {
            Issue.record("expected malformedJSON, got \(String(describing: error))")
            return
        }
        #expect(file == url.path && line == 2 && reason == "the line is not valid JSON")
        #expect(error?.description == "\(url.path):2: the line is not valid JSON; each line must hold one JSON object")
    }
}
