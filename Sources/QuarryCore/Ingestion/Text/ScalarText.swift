/// A text as an array of Unicode scalars, so that Unicode-scalar offsets index it in constant time.
struct ScalarText: Sendable {
    /// One line: `start..<end` excludes the line terminator (`\n`, `\r\n` or `\r`).
    struct Line: Sendable, Hashable {
        var start: Int
        var end: Int
    }

    let scalars: [Unicode.Scalar]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    var count: Int { scalars.count }

    subscript(offset: Int) -> Unicode.Scalar { scalars[offset] }

    /// The text of `range` as a string.
    func string(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }

    /// All lines, in order; a final line terminator does not start an extra empty line.
    func lines() -> [Line] {
        var result: [Line] = []
        var start = 0
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" || scalar == "\r" {
                result.append(Line(start: start, end: index))
                if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                    index += 1
                }
                index += 1
                start = index
            } else {
                index += 1
            }
        }
        if start < scalars.count {
            result.append(Line(start: start, end: scalars.count))
        }
        return result
    }

    /// Whether the range holds only white space.
    func isBlank(_ range: Range<Int>) -> Bool {
        !scalars[range].contains { !$0.properties.isWhitespace }
    }

    /// `range` without leading and trailing white space (empty at `range.lowerBound` if blank).
    func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, scalars[lower].properties.isWhitespace { lower += 1 }
        while upper > lower, scalars[upper - 1].properties.isWhitespace { upper -= 1 }
        return lower..<upper
    }

    /// The number of leading spaces of a line, a tab counting as four.
    func indentation(of line: Line) -> Int {
        var width = 0
        var index = line.start
        while index < line.end {
            switch scalars[index] {
            case " ": width += 1
            case "\t": width += 4 - width % 4
            default: return width
            }
            index += 1
        }
        return width
    }

    /// The offset of the first character of a line that is not a space or tab (`line.end` if none).
    func firstNonSpace(of line: Line) -> Int {
        var index = line.start
        while index < line.end, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        return index
    }
}
