/// Turns Markdown inline markup into plain text: links and images keep their text, emphasis and
/// code-span markers are dropped, known HTML tags are removed, backslash escapes are resolved.
///
/// It is a light, forgiving conversion for headings and for the text given to embedding models and
/// keyword indexes; it never fails, and text without markup comes back unchanged.
public enum MarkdownInlineText {
    /// The plain text of a line or paragraph of Markdown.
    public static func plainText(_ markdown: String) -> String {
        let input = Array(markdown.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < input.count {
            let scalar = input[index]
            switch scalar {
            case "\\":
                if index + 1 < input.count, isEscapable(input[index + 1]) {
                    output.append(input[index + 1])
                    index += 2
                } else {
                    output.append(scalar)
                    index += 1
                }
            case "!" where index + 1 < input.count && input[index + 1] == "[":
                if let (text, next) = link(in: input, at: index + 1) {
                    output.append(contentsOf: plainText(text).unicodeScalars)
                    index = next
                } else {
                    output.append(scalar)
                    index += 1
                }
            case "[":
                if let (text, next) = link(in: input, at: index) {
                    output.append(contentsOf: plainText(text).unicodeScalars)
                    index = next
                } else {
                    output.append(scalar)
                    index += 1
                }
            case "*", "~":
                // Runs of two or more are emphasis/strike markers; a single `*` only when it hugs a word.
                var end = index
                while end < input.count, input[end] == scalar { end += 1 }
                let run = end - index
                let before = index > 0 ? input[index - 1] : " "
                let after = end < input.count ? input[end] : " "
                let hugsWord = !before.properties.isWhitespace || !after.properties.isWhitespace
                if (run >= 2 && hugsWord) || (scalar == "*" && run == 1 && hugsWord && !isDigitOrOperand(before, after)) {
                    index = end
                } else {
                    output.append(contentsOf: input[index..<end])
                    index = end
                }
            case "_":
                var end = index
                while end < input.count, input[end] == "_" { end += 1 }
                let before = index > 0 ? input[index - 1] : " "
                let after = end < input.count ? input[end] : " "
                // `__bold__` at a word boundary; underscores inside identifiers stay.
                let atBoundary = !isWordScalar(before) || !isWordScalar(after)
                if end - index >= 2, atBoundary, !(isWordScalar(before) && isWordScalar(after)) {
                    index = end
                } else {
                    output.append(contentsOf: input[index..<end])
                    index = end
                }
            case "`":
                index += 1
            case "<":
                if let next = htmlTagEnd(in: input, at: index) {
                    index = next
                } else {
                    output.append(scalar)
                    index += 1
                }
            default:
                output.append(scalar)
                index += 1
            }
        }
        return String(output)
    }

    private static func isEscapable(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars.contains(scalar)
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// `2 * 3`-style products: a lone `*` between digits or spaces is not emphasis.
    private static func isDigitOrOperand(_ before: Unicode.Scalar, _ after: Unicode.Scalar) -> Bool {
        (before.properties.numericType != nil || before == " ") && (after.properties.numericType != nil || after == " ")
    }

    /// A link `[text](destination)` or `[text][label]` starting at the `[` at `start`: its text and
    /// the offset after it.
    private static func link(in input: [Unicode.Scalar], at start: Int) -> (String, Int)? {
        var depth = 0
        var index = start
        var closing: Int?
        while index < input.count {
            switch input[index] {
            case "\\": index += 1
            case "[": depth += 1
            case "]":
                depth -= 1
                if depth == 0 { closing = index }
            case "\n" where index + 1 < input.count && input[index + 1] == "\n":
                return nil
            default: break
            }
            if closing != nil { break }
            index += 1
        }
        guard let close = closing, close + 1 < input.count else { return nil }
        let opener = input[close + 1]
        let terminator: Unicode.Scalar
        switch opener {
        case "(": terminator = ")"
        case "[": terminator = "]"
        default: return nil
        }
        var end = close + 2
        var parens = 0
        while end < input.count {
            let scalar = input[end]
            if scalar == "\n" { return nil }
            if opener == "(" && scalar == "(" { parens += 1 }
            if scalar == terminator {
                if parens == 0 { break }
                parens -= 1
            }
            end += 1
        }
        guard end < input.count else { return nil }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: input[(start + 1)..<close])
        return (String(text), end + 1)
    }

    private static let htmlTags: Set<String> = [
        "a", "b", "i", "u", "s", "em", "strong", "br", "hr", "img", "p", "div", "span", "sup", "sub",
        "font", "center", "table", "thead", "tbody", "tr", "td", "th", "details", "summary", "code",
        "pre", "small", "kbd", "mark", "del", "ins", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "figure", "figcaption", "video", "audio", "source", "iframe", "picture",
    ]

    /// The offset after an HTML tag (`<br>`, `</span>`, `<img src=... />`) or comment starting at
    /// `start`; `nil` if the `<` does not open a known tag.
    private static func htmlTagEnd(in input: [Unicode.Scalar], at start: Int) -> Int? {
        var index = start + 1
        if index + 2 < input.count, input[index] == "!", input[index + 1] == "-", input[index + 2] == "-" {
            var probe = index + 3
            while probe + 2 < input.count {
                if input[probe] == "-", input[probe + 1] == "-", input[probe + 2] == ">" { return probe + 3 }
                probe += 1
            }
            return nil
        }
        if index < input.count, input[index] == "/" { index += 1 }
        var name = ""
        while index < input.count, input[index].isASCII, input[index].properties.isAlphabetic || input[index].properties.numericType != nil {
            name.unicodeScalars.append(input[index])
            index += 1
        }
        guard htmlTags.contains(name.lowercased()) else { return nil }
        while index < input.count {
            if input[index] == ">" { return index + 1 }
            if input[index] == "<" || input[index] == "\n" { return nil }
            index += 1
        }
        return nil
    }
}
