/// Splits a document's sections into passages of at most ``ChunkerConfiguration/targetTokens``
/// model tokens.
///
/// Consecutive sections with the same chapter path and page (and the same code-ness) form a run
/// that is packed together; a passage never spans two runs. Within a run:
/// 1. the text is divided into paragraphs (sections, and blank lines inside them);
/// 2. paragraphs into sentences (see `SentenceSplitter`: `。！？；.!?`-aware); table rows and code
///    lines are units of their own;
/// 3. units are packed greedily while the passage's exact token count stays within the target,
///    preferring to close a passage at a paragraph boundary once it is reasonably full
///    (``ChunkerConfiguration/paragraphBreakFill``);
/// 4. the next passage starts with the last whole sentences of the previous one, up to
///    ``ChunkerConfiguration/overlapTokens`` tokens.
///
/// A sentence is only split when it alone exceeds the target: at clause punctuation (`，、,;：:`),
/// then at white space, then between characters (never inside a grapheme cluster).
///
/// Every passage's text is an exact slice of the document text, so ``Passage/span`` and
/// ``Passage/textSpan`` point exactly at it.
public struct Chunker: Sendable {
    /// The configuration.
    public let configuration: ChunkerConfiguration
    /// The token counter that sizes passages.
    public let tokenCounter: any TokenCounter

    private let splitter = SentenceSplitter()

    /// Creates a chunker; throws if the configuration cannot work.
    public init(
        configuration: ChunkerConfiguration = ChunkerConfiguration(),
        tokenCounter: any TokenCounter = ApproximateTokenCounter()
    ) throws(ChunkerConfigurationError) {
        if let problem = configuration.problem { throw ChunkerConfigurationError(reason: problem) }
        self.configuration = configuration
        self.tokenCounter = tokenCounter
    }

    /// The passages of `document`, whose path relative to the ingested root is `source`.
    public func chunk(_ document: DocumentContent, source: String) -> [Passage] {
        let text = ScalarText(document.text)
        var passages: [Passage] = []
        for run in runs(of: document.sections) {
            let first = document.sections[run.lowerBound]
            if first.isCode, configuration.codePolicy == .omit { continue }
            let units = self.units(of: document.sections[run], in: text)
            let overlap = first.isCode ? 0 : configuration.overlapTokens
            for group in pack(units, in: text, overlap: overlap) {
                let range = group.first!.range.lowerBound..<group.last!.range.upperBound
                let passageText = text.string(range)
                let kinds = Set(document.sections[run].map(\.kind))
                let kind: Section.Kind = first.isCode ? .code : (kinds == [.table] ? .table : .prose)
                passages.append(
                    Passage(
                        source: source,
                        text: passageText,
                        chapterPath: first.chapterPath,
                        page: first.page,
                        span: document.hasVerbatimText ? TextSpan(range) : nil,
                        textSpan: TextSpan(range),
                        kind: kind,
                        codeLanguage: first.codeLanguage,
                        format: document.format,
                        ordinal: passages.count,
                        tokenCount: tokenCounter.tokenCount(passageText)))
            }
        }
        return passages
    }

    // MARK: Runs

    /// Index ranges of consecutive sections that share chapter, page and code-ness.
    private func runs(of sections: [Section]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        for index in sections.indices.dropFirst() {
            let previous = sections[index - 1]
            let current = sections[index]
            if current.chapterPath != previous.chapterPath || current.page != previous.page
                || current.isCode != previous.isCode || current.isCode
            {
                result.append(start..<index)
                start = index
            }
        }
        if !sections.isEmpty { result.append(start..<sections.count) }
        return result
    }

    // MARK: Units

    /// A packing unit: a sentence, a table row, a code line or a piece of an over-long one.
    struct Unit {
        var range: Range<Int>
        var paragraph: Int
        /// A piece of a sentence that was too long: never repeated as overlap.
        var isFragment: Bool
    }

    private func units(of sections: ArraySlice<Section>, in text: ScalarText) -> [Unit] {
        var units: [Unit] = []
        var paragraph = 0
        for section in sections {
            for paragraphRange in paragraphs(in: section.textRange, of: text) {
                let pieces: [Range<Int>]
                switch section.kind {
                case .prose: pieces = splitter.sentences(in: text, range: paragraphRange)
                case .table, .code: pieces = lines(in: paragraphRange, of: text)
                }
                for piece in pieces {
                    if tokens(piece, text) <= configuration.targetTokens {
                        units.append(Unit(range: piece, paragraph: paragraph, isFragment: false))
                    } else {
                        for fragment in split(piece, in: text, level: .clauses) {
                            units.append(Unit(range: fragment, paragraph: paragraph, isFragment: true))
                        }
                    }
                }
                paragraph += 1
            }
        }
        return units
    }

    /// The paragraphs of `range`: runs of lines separated by blank lines, trimmed.
    private func paragraphs(in range: Range<Int>, of text: ScalarText) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start: Int?
        var lastEnd = range.lowerBound
        for line in lines(in: range, of: text, trimming: false) {
            if text.isBlank(line) {
                if let begin = start { result.append(text.trimmed(begin..<lastEnd)) }
                start = nil
            } else {
                if start == nil { start = line.lowerBound }
                lastEnd = line.upperBound
            }
        }
        if let begin = start { result.append(text.trimmed(begin..<lastEnd)) }
        return result.filter { !$0.isEmpty }
    }

    /// The lines of `range` (without terminators), trimmed and non-blank unless `trimming` is false.
    private func lines(in range: Range<Int>, of text: ScalarText, trimming: Bool = true) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        func add(_ line: Range<Int>) {
            if trimming {
                let trimmed = text.trimmed(line)
                if !trimmed.isEmpty { result.append(trimmed) }
            } else {
                result.append(line)
            }
        }
        while index < range.upperBound {
            if text[index] == "\n" || text[index] == "\r" {
                add(start..<index)
                if text[index] == "\r", index + 1 < range.upperBound, text[index + 1] == "\n" { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < range.upperBound { add(start..<range.upperBound) }
        return result
    }

    // MARK: Splitting over-long sentences

    enum SplitLevel {
        case clauses, words, characters
    }

    private static let clausePunctuation: Set<Unicode.Scalar> = ["，", "、", ",", "；", ";", "：", ":", "）", ")", "—", "｜"]

    /// Splits `range` into trimmed pieces of at most the target each, at the coarsest level possible.
    func split(_ range: Range<Int>, in text: ScalarText, level: SplitLevel) -> [Range<Int>] {
        let limit = configuration.targetTokens
        let range = text.trimmed(range)
        guard !range.isEmpty else { return [] }
        if tokens(range, text) <= limit { return [range] }
        if level == .characters { return splitCharacters(range, in: text) }

        let cuts = cutPoints(range, in: text, level: level)
        let finer: SplitLevel = level == .clauses ? .words : .characters
        guard !cuts.isEmpty else { return split(range, in: text, level: finer) }

        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        var cutIndex = 0
        let candidates = cuts + [range.upperBound]
        while start < range.upperBound {
            while cutIndex < candidates.count, candidates[cutIndex] <= start { cutIndex += 1 }
            var best: Int?
            var probe = cutIndex
            while probe < candidates.count, tokens(text.trimmed(start..<candidates[probe]), text) <= limit {
                best = probe
                probe += 1
            }
            if let best {
                let piece = text.trimmed(start..<candidates[best])
                if !piece.isEmpty { pieces.append(piece) }
                start = candidates[best]
                cutIndex = best + 1
            } else {
                let next = candidates[cutIndex]
                pieces += split(start..<next, in: text, level: finer)
                start = next
                cutIndex += 1
            }
        }
        return pieces
    }

    /// Positions after clause punctuation (with closers), or after runs of white space.
    private func cutPoints(_ range: Range<Int>, in text: ScalarText, level: SplitLevel) -> [Int] {
        var cuts: [Int] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let scalar = text[index]
            switch level {
            case .clauses:
                if Self.clausePunctuation.contains(scalar) {
                    var after = index + 1
                    while after < range.upperBound, text[after] == "”" || text[after] == "’" || text[after] == "\"" { after += 1 }
                    if after < range.upperBound { cuts.append(after) }
                    index = after
                    continue
                }
            case .words:
                if scalar.properties.isWhitespace {
                    var after = index + 1
                    while after < range.upperBound, text[after].properties.isWhitespace { after += 1 }
                    if after < range.upperBound { cuts.append(after) }
                    index = after
                    continue
                }
            case .characters:
                break
            }
            index += 1
        }
        return cuts
    }

    /// Splits between characters (grapheme clusters, never inside one): the longest prefix within
    /// the target each time (binary search), and at least one character.
    private func splitCharacters(_ range: Range<Int>, in text: ScalarText) -> [Range<Int>] {
        let limit = configuration.targetTokens
        // Offsets where a character ends.
        var boundaries: [Int] = []
        var offset = range.lowerBound
        for character in text.string(range) {
            offset += character.unicodeScalars.count
            boundaries.append(offset)
        }
        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        var first = 0  // index in `boundaries` of the first character end after `start`
        while first < boundaries.count {
            var low = first
            var high = boundaries.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if tokens(start..<boundaries[middle], text) <= limit { low = middle } else { high = middle - 1 }
            }
            let end = boundaries[low]
            let piece = text.trimmed(start..<end)
            if !piece.isEmpty { pieces.append(piece) }
            start = end
            first = low + 1
        }
        return pieces
    }

    // MARK: Packing

    private func tokens(_ range: Range<Int>, _ text: ScalarText) -> Int {
        tokenCounter.tokenCount(text.string(range))
    }

    private func tokens(_ units: ArraySlice<Unit>, _ text: ScalarText) -> Int {
        guard let first = units.first, let last = units.last else { return 0 }
        return tokens(first.range.lowerBound..<last.range.upperBound, text)
    }

    /// Groups units into passages.
    func pack(_ units: [Unit], in text: ScalarText, overlap: Int) -> [[Unit]] {
        let limit = configuration.targetTokens
        let fillBeforeBreak = Int((Double(limit) * configuration.paragraphBreakFill).rounded(.up))
        var passages: [[Unit]] = []
        var current: [Unit] = []
        /// How many units at the start of `current` were carried over from the previous passage.
        var carried = 0

        func close(before next: Unit) {
            passages.append(current)
            current = overlapUnits(current, overlap: overlap, text: text)
            // The carried sentences must leave room for the next unit.
            while !current.isEmpty, tokens(current[...] + [next], text) > limit { current.removeFirst() }
            carried = current.count
        }

        var index = 0
        while index < units.count {
            let unit = units[index]
            if current.isEmpty {
                current = [unit]
                index += 1
                continue
            }
            let last = current[current.count - 1]
            if tokens(current[...] + [unit], text) > limit {
                close(before: unit)
                current.append(unit)
                index += 1
                continue
            }
            if unit.paragraph != last.paragraph, current.count > carried, fillBeforeBreak > 0 {
                // Does the whole paragraph fit? If not and the passage is full enough, break here.
                var paragraphEnd = index
                while paragraphEnd + 1 < units.count, units[paragraphEnd + 1].paragraph == unit.paragraph { paragraphEnd += 1 }
                let whole = current[...] + units[index...paragraphEnd]
                if tokens(whole, text) > limit, tokens(current[...], text) >= fillBeforeBreak {
                    close(before: unit)
                    current.append(unit)
                    index += 1
                    continue
                }
            }
            current.append(unit)
            index += 1
        }
        if !current.isEmpty {
            passages.append(current)
        }
        return passages
    }

    /// The last whole sentences of `passage` within `overlap` tokens, never the whole passage.
    private func overlapUnits(_ passage: [Unit], overlap: Int, text: ScalarText) -> [Unit] {
        guard overlap > 0, passage.count > 1 else { return [] }
        var start = passage.count
        while start - 1 >= 1 {
            let candidate = passage[(start - 1)...]
            guard !candidate.contains(where: \.isFragment), tokens(candidate, text) <= overlap else { break }
            start -= 1
        }
        return Array(passage[start...])
    }
}
