/// Splits a paragraph into sentences, returning the Unicode-scalar range of each (trimmed of
/// surrounding white space; together they cover every non-white-space scalar of the paragraph).
///
/// A sentence ends after `。！？；!?` (full-width and ASCII) or `.`, together with any further
/// terminators and closing quotes or brackets that follow (`。”`, `?!`, `.)`). An ASCII terminator
/// ends a sentence only before white space, a CJK character or the end of the text; a `.` also not
/// after a known abbreviation (`e.g.`, `Dr.`, `Fig.`), an initial (`J.`), a list number at the start
/// of a line (`1.`), nor before a word in lower case, so `3.14`, `v1.2`, `file.txt` and `e.g. this`
/// stay whole. A line break ends a sentence when the next line starts a list item, a quote, a table
/// row or a heading.
struct SentenceSplitter: Sendable {
    private static let strongTerminators: Set<Unicode.Scalar> = ["。", "！", "？", "；", "｡", "‼", "⁇", "⁈", "⁉"]
    private static let asciiTerminators: Set<Unicode.Scalar> = [".", "!", "?"]
    private static let closers: Set<Unicode.Scalar> = [
        "\"", "'", "”", "’", "」", "』", "》", "〉", "）", ")", "]", "】", "〕", "〗", "〙", "»", "›", "*", "_", "`", "…",
    ]
    private static let abbreviations: Set<String> = [
        "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "fig", "figs", "eq",
        "eqs", "no", "nos", "vol", "pp", "cf", "al", "approx", "inc", "ltd", "co", "corp", "dept", "ca",
        "resp", "ref", "refs", "sec", "ch", "chap", "ed", "eds", "op", "viz", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "a.m", "p.m", "ph.d",
    ]

    /// The sentences of `range` in `text`.
    func sentences(in text: ScalarText, range: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        let end = range.upperBound
        func cut(at position: Int) {
            let sentence = text.trimmed(start..<position)
            if !sentence.isEmpty { result.append(sentence) }
            start = position
        }
        while index < end {
            let scalar = text[index]
            if Self.strongTerminators.contains(scalar) || (scalar == "…" && followsEllipsisEnd(text, index, end)) {
                var after = index + 1
                while after < end,
                    Self.strongTerminators.contains(text[after]) || Self.asciiTerminators.contains(text[after])
                        || Self.closers.contains(text[after])
                {
                    after += 1
                }
                cut(at: after)
                index = after
                continue
            }
            if Self.asciiTerminators.contains(scalar) {
                var after = index
                while after < end, Self.asciiTerminators.contains(text[after]) { after += 1 }
                let run = after - index
                while after < end, Self.closers.contains(text[after]) { after += 1 }
                if endsSentence(text, terminator: index, run: run, after: after, end: end) {
                    cut(at: after)
                }
                index = after
                continue
            }
            if scalar == "\n" || scalar == "\r" {
                if startsBlockLine(text, after: index + 1, end: end) {
                    cut(at: index)
                }
            }
            index += 1
        }
        cut(at: end)
        return result
    }

    /// `……` or `…` followed by a closer, white space or the end: a trailing ellipsis in CJK text
    /// is a sentence end when a CJK character or the end follows.
    private func followsEllipsisEnd(_ text: ScalarText, _ index: Int, _ end: Int) -> Bool {
        var after = index + 1
        while after < end, text[after] == "…" { after += 1 }
        guard after < end else { return true }
        let next = text[after]
        return CharacterClass.isCJK(next) && index > 0 && CharacterClass.isCJK(text[index - 1])
    }

    private func endsSentence(_ text: ScalarText, terminator: Int, run: Int, after: Int, end: Int) -> Bool {
        if after < end {
            let next = text[after]
            guard next.properties.isWhitespace || CharacterClass.isCJK(next) else { return false }
        }
        let scalar = text[terminator]
        guard scalar == "." else { return true }
        // The next word in lower case: an abbreviation or a mid-sentence ellipsis.
        var probe = after
        while probe < end, text[probe].properties.isWhitespace { probe += 1 }
        if probe < end, text[probe].properties.isLowercase { return false }
        guard run == 1 else { return true }
        // The word before the period.
        var wordStart = terminator
        while wordStart > 0, text[wordStart - 1].isASCII,
            text[wordStart - 1].properties.isAlphabetic || text[wordStart - 1].properties.numericType != nil || text[wordStart - 1] == "."
        {
            wordStart -= 1
        }
        let word = text.string(wordStart..<terminator)
        if word.isEmpty { return true }
        if Self.abbreviations.contains(word.lowercased()) { return false }
        if word.count == 1, word.unicodeScalars.first!.properties.isUppercase { return false }  // an initial
        if word.unicodeScalars.allSatisfy({ $0.properties.numericType != nil }) {
            // `1.` at the start of a line is a list number.
            var lineStart = wordStart
            while lineStart > 0, text[lineStart - 1] == " " || text[lineStart - 1] == "\t" { lineStart -= 1 }
            if lineStart == 0 || text[lineStart - 1] == "\n" || text[lineStart - 1] == "\r" { return false }
        }
        return true
    }

    /// Whether the line starting at `position` opens a list item, quote, table row or heading.
    private func startsBlockLine(_ text: ScalarText, after position: Int, end: Int) -> Bool {
        var index = position
        while index < end, text[index] == " " || text[index] == "\t" || text[index] == "\n" || text[index] == "\r" { index += 1 }
        guard index < end else { return false }
        let first = text[index]
        let second: Unicode.Scalar? = index + 1 < end ? text[index + 1] : nil
        switch first {
        case "|", ">", "#", "•", "·", "▪", "◦", "●", "○", "■", "□", "➢", "✓", "✔":
            return true
        case "-", "*", "+":
            return second == " " || second == "\t"
        default:
            break
        }
        if first.properties.numericType != nil, first.isASCII {
            var probe = index
            while probe < end, probe - index < 9, text[probe].isASCII, text[probe].properties.numericType != nil { probe += 1 }
            if probe < end, text[probe] == "." || text[probe] == ")" || text[probe] == "、" {
                return probe + 1 >= end || text[probe + 1] == " " || text[probe + 1] == "\t" || text[probe] == "、"
            }
        }
        return false
    }
}
