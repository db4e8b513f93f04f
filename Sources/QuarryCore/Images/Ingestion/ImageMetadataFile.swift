import Foundation

/// One row of an image metadata file: which image it describes and its fields.
public struct ImageMetadataRecord: Sendable, Equatable {
    /// The image, relative to the ingested folder, as ``ImageMetadataFile/normalizedPath(_:)`` gives it.
    public var path: String
    /// The `category` value, trimmed; nil when absent or empty.
    public var category: String?
    /// The `price` value; nil when absent or empty. Never negative.
    public var price: Double?
    /// The `title` value, trimmed; nil when absent or empty.
    public var title: String?
    /// Every other column or key: CSV values as strings (empty cells left out), JSON values as they are.
    public var fields: [String: JSONValue]

    public init(path: String, category: String? = nil, price: Double? = nil, title: String? = nil, fields: [String: JSONValue] = [:]) {
        self.path = path
        self.category = category
        self.price = price
        self.title = title
        self.fields = fields
    }
}

/// The metadata file of `quarry ingest-images --metadata FILE`: one row per image.
///
/// The column or key `path` (or `file`, `filename`) names the image relative to the ingested folder;
/// `category`, `price` and `title` are lifted into ``ImageMetadataRecord``; every other column goes to
/// ``ImageMetadataRecord/fields``. Column and key names are matched without regard to case.
public enum ImageMetadataFile {
    /// Reads a `.csv` (header row; RFC 4180 quoting, UTF-8, optional BOM, CRLF or LF) or `.jsonl`
    /// (one JSON object per line, blank lines skipped) file.
    ///
    /// - Returns: The records keyed by their normalised ``ImageMetadataRecord/path``.
    public static func read(contentsOf url: URL) throws(ImageMetadataError) -> [String: ImageMetadataRecord] {
        let file = url.path
        let format = url.pathExtension.lowercased()
        guard format == "csv" || format == "jsonl" else {
            throw .unsupportedFormat(file: file, fileExtension: url.pathExtension)
        }
        let text = try readText(url)
        let rows = format == "csv" ? try csvRows(text, file: file) : try jsonRows(text, file: file)
        var records: [String: ImageMetadataRecord] = [:]
        var firstLines: [String: Int] = [:]
        for row in rows {
            let record = try makeRecord(row.values, line: row.line, file: file)
            if let firstLine = firstLines[record.path] {
                throw .duplicatePath(file: file, line: row.line, imagePath: record.path, firstLine: firstLine)
            }
            firstLines[record.path] = row.line
            records[record.path] = record
        }
        return records
    }

    /// An image path as records are keyed: trimmed, forward slashes, no empty or `.` components
    /// (so no leading `./` or `/`).
    public static func normalizedPath(_ path: String) -> String {
        path.trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "\\", with: "/")
            .split(separator: "/")
            .filter { $0 != "." }
            .joined(separator: "/")
    }

    private static let pathNames = ["path", "file", "filename"]

    /// A row's values by column or key, with the line the row starts on.
    private typealias Row = (line: Int, values: [String: JSONValue])
    /// A CSV record's fields, with the line the record starts on.
    private typealias CSVRecord = (line: Int, fields: [String])

    private static func readText(_ url: URL) throws(ImageMetadataError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .unreadableFile(file: url.path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadableFile(file: url.path, reason: "it is a directory") }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(file: url.path, reason: error.localizedDescription)
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw .unreadableFile(file: url.path, reason: "not UTF-8 text")
        }
        if text.unicodeScalars.first == "\u{FEFF}" {
            text.unicodeScalars.removeFirst()
        }
        return text
    }

    // MARK: CSV

    private static func csvRows(_ text: String, file: String) throws(ImageMetadataError) -> [Row] {
        let records = try csvRecords(text, file: file)
        guard let header = records.first else { throw .missingPathColumn(file: file, line: 1) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pathColumn = pathNames.lazy.compactMap({ name in names.first { $0.lowercased() == name } }).first else {
            throw .missingPathColumn(file: file, line: header.line)
        }
        var rows: [Row] = []
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                throw .wrongColumnCount(file: file, line: record.line, expected: names.count, found: record.fields.count)
            }
            var values: [String: JSONValue] = [:]
            for (name, cell) in zip(names, record.fields) where !name.isEmpty && (!cell.isEmpty || name == pathColumn) {
                values[name] = .string(cell)
            }
            rows.append((record.line, values))
        }
        return rows
    }

    /// Splits CSV text into records (RFC 4180: fields quoted with `"`, `""` inside quotes for a quote,
    /// line breaks CRLF or LF), each with the line it starts on. Blank lines are skipped; a CRLF inside
    /// a quoted field becomes LF.
    private static func csvRecords(_ text: String, file: String) throws(ImageMetadataError) -> [CSVRecord] {
        let scalars = Array(text.unicodeScalars)
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var quoteLine = 1
        var quoted = false
        var index = 0

        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
        }
        func endRecord() {
            endField()
            if fields != [""] {
                records.append((recordLine, fields))
            }
            fields = []
        }

        while index < scalars.count {
            let scalar = scalars[index]
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            index += 1
            if quoted {
                switch scalar {
                case "\"" where next == "\"":
                    field.append("\"")
                    index += 1
                case "\"":
                    quoted = false
                case "\r" where next == "\n":
                    field.append("\n")
                    index += 1
                    line += 1
                case "\n":
                    field.append(scalar)
                    line += 1
                default:
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty:
                quoted = true
                quoteLine = line
            case ",":
                endField()
            case "\r", "\n":
                if scalar == "\r", next == "\n" {
                    index += 1
                }
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(scalar)
            }
        }
        if quoted {
            throw .unterminatedQuote(file: file, line: quoteLine)
        }
        if !field.isEmpty || !fields.isEmpty {
            endRecord()
        }
        return records
    }

    // MARK: JSON Lines

    private static func jsonRows(_ text: String, file: String) throws(ImageMetadataError) -> [Row] {
        let decoder = JSONDecoder()
        var rows: [Row] = []
        for (offset, bytes) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            guard bytes.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }) else {
                continue
            }
            let value: JSONValue
            do {
                value = try decoder.decode(JSONValue.self, from: Data(bytes))
            } catch {
                throw .malformedJSON(file: file, line: line, reason: "the line is not valid JSON")
            }
            guard case .object(let object) = value else {
                throw .malformedJSON(file: file, line: line, reason: "the line holds \(jsonText(value)), not an object")
            }
            rows.append((line, object))
        }
        return rows
    }

    private static func jsonText(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "?"
    }

    // MARK: Records

    private static func makeRecord(_ values: [String: JSONValue], line: Int, file: String) throws(ImageMetadataError) -> ImageMetadataRecord {
        var fields = values
        guard let (_, pathValue) = take(pathNames, from: &fields) else {
            throw .missingPathColumn(file: file, line: line)
        }
        guard case .string(let rawPath) = pathValue, case let path = normalizedPath(rawPath), !path.isEmpty else {
            throw .emptyPath(file: file, line: line)
        }
        return ImageMetadataRecord(
            path: path,
            category: try liftedText(take(["category"], from: &fields), line: line, file: file),
            price: try price(take(["price"], from: &fields)?.value, line: line, file: file),
            title: try liftedText(take(["title"], from: &fields), line: line, file: file),
            fields: fields
        )
    }

    /// Removes and returns the first of `names` present in `fields`, matched without regard to case.
    private static func take(_ names: [String], from fields: inout [String: JSONValue]) -> (key: String, value: JSONValue)? {
        for name in names {
            if let key = fields.keys.first(where: { $0.lowercased() == name }), let value = fields.removeValue(forKey: key) {
                return (key, value)
            }
        }
        return nil
    }

    private static func liftedText(_ entry: (key: String, value: JSONValue)?, line: Int, file: String) throws(ImageMetadataError) -> String? {
        switch entry?.value {
        case nil, .null?:
            return nil
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        default:
            throw .notText(file: file, line: line, key: entry?.key ?? "")
        }
    }

    private static func price(_ value: JSONValue?, line: Int, file: String) throws(ImageMetadataError) -> Double? {
        let number: Double?
        switch value {
        case nil, .null?:
            return nil
        case .number(let amount)?:
            number = amount
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            number = Double(trimmed)
        case let other?:
            throw .invalidPrice(file: file, line: line, value: jsonText(other))
        }
        guard let number, number.isFinite, number >= 0 else {
            throw .invalidPrice(file: file, line: line, value: value.map(priceText) ?? "")
        }
        return number
    }

    private static func priceText(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return jsonText(value)
    }
}
