import Foundation

/// Finds where an answer lies in the corpus files: every occurrence of the
/// answer text, as Unicode-scalar offsets of the file's text (the offsets
/// passages carry as their span).
struct AnswerLocator {
    let corpusRoot: URL
    private var texts: [String: [Unicode.Scalar]?] = [:]

    init(corpusRoot: URL) {
        self.corpusRoot = corpusRoot
    }

    /// Scalar ranges of every occurrence of `answer` in `file`; empty when absent, nil when the file is unreadable.
    mutating func occurrences(of answer: String, in file: String) -> [Range<Int>]? {
        if texts[file] == nil {
            let url = corpusRoot.appendingPathComponent(file)
            texts[file] = (try? TextFileDecoder().decode(Data(contentsOf: url), name: file).text).map { Array($0.unicodeScalars) }
        }
        guard let text = texts[file] ?? nil else { return nil }
        let needle = Array(answer.unicodeScalars)
        guard !needle.isEmpty, needle.count <= text.count else { return [] }
        var ranges: [Range<Int>] = []
        for start in 0...(text.count - needle.count) where text[start] == needle[0] {
            if text[start..<(start + needle.count)].elementsEqual(needle) { ranges.append(start..<(start + needle.count)) }
        }
        return ranges
    }
}
