/// Why an image metadata file could not be read. Every case names the metadata file (`file`) and,
/// where the fault is in its content, the 1-based line on which the offending row or field starts.
public enum ImageMetadataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is neither `.csv` nor `.jsonl`.
    case unsupportedFormat(file: String, fileExtension: String)
    /// The file does not exist, cannot be read, or is not UTF-8 text.
    case unreadableFile(file: String, reason: String)
    /// The CSV header, or a JSON object, has no `path` (or `file`, `filename`) column.
    case missingPathColumn(file: String, line: Int)
    /// A row's image path is empty, or (in JSON) not a string.
    case emptyPath(file: String, line: Int)
    /// A quoted CSV field is not closed before the end of the file.
    case unterminatedQuote(file: String, line: Int)
    /// A CSV row has more or fewer fields than the header.
    case wrongColumnCount(file: String, line: Int, expected: Int, found: Int)
    /// A JSONL line is not valid JSON, or holds a value other than an object.
    case malformedJSON(file: String, line: Int, reason: String)
    /// A `category` or `title` value (in JSON) is neither a string nor null.
    case notText(file: String, line: Int, key: String)
    /// A `price` is not a number, or is negative or not finite.
    case invalidPrice(file: String, line: Int, value: String)
    /// Two rows describe the same image.
    case duplicatePath(file: String, line: Int, imagePath: String, firstLine: Int)

    public var description: String {
        switch self {
        case .unsupportedFormat(let file, let ext):
            "\(file): unsupported metadata file type '\(ext.isEmpty ? "(none)" : "." + ext)'; use .csv or .jsonl"
        case .unreadableFile(let file, let reason):
            "\(file): cannot read the metadata file: \(reason)"
        case .missingPathColumn(let file, let line):
            "\(file):\(line): no 'path' column (or 'file', 'filename') naming the image"
        case .emptyPath(let file, let line):
            "\(file):\(line): the image path is empty or not text"
        case .unterminatedQuote(let file, let line):
            "\(file):\(line): a quoted field opened here is never closed"
        case .wrongColumnCount(let file, let line, let expected, let found):
            "\(file):\(line): \(found) fields where the header has \(expected)"
        case .malformedJSON(let file, let line, let reason):
            "\(file):\(line): \(reason); each line must hold one JSON object"
        case .notText(let file, let line, let key):
            "\(file):\(line): '\(key)' must be a string"
        case .invalidPrice(let file, let line, let value):
            "\(file):\(line): price '\(value)' is not a number of zero or more"
        case .duplicatePath(let file, let line, let imagePath, let firstLine):
            "\(file):\(line): '\(imagePath)' is already described on line \(firstLine)"
        }
    }
}
