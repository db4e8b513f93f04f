import Foundation

/// A BERT **WordPiece** tokenizer (as used by all-MiniLM-L6-v2), reproducing the Hugging Face
/// `BertNormalizer` + `BertPreTokenizer` + `WordPiece` pipeline:
///
/// 1. *clean*: U+0000, U+FFFD and control/format/unassigned/private-use characters are
///    removed (tab, newline and carriage return count as whitespace); every whitespace
///    character becomes a space;
/// 2. CJK ideographs are surrounded by spaces (each becomes its own word);
/// 3. if ``Options/stripAccents``: canonical decomposition (NFD), then non-spacing marks
///    (category Mn) are removed;
/// 4. if ``Options/lowercase``: full Unicode lower-casing;
/// 5. the text is split at whitespace, and every punctuation character (ASCII punctuation
///    and symbols, or Unicode category P*) becomes a word of its own;
/// 6. each word is cut greedily into the longest vocabulary entries from the left, with the
///    `##` prefix on continuations; a word longer than ``Options/maxCharactersPerWord``
///    characters, or one that cannot be cut completely, becomes a single `[UNK]`.
public struct WordPieceTokenizer: TextTokenizer {
    /// Behaviour switches, as in a Hugging Face `tokenizer_config.json`.
    public struct Options: Sendable, Hashable {
        /// Lower-case the text (`do_lower_case`).
        public var lowercase: Bool
        /// Remove accents (`strip_accents`; when unset BERT follows `lowercase`).
        public var stripAccents: Bool
        /// Split CJK ideographs into separate words (`tokenize_chinese_chars`).
        public var splitCJK: Bool
        /// Longest word (in characters) that is split; longer ones become `[UNK]`.
        public var maxCharactersPerWord: Int
        /// Prefix of word continuations.
        public var continuationPrefix: String

        /// Options as named in a Hugging Face tokenizer config; `stripAccents` nil follows
        /// `lowercase`, as BERT does.
        public init(
            lowercase: Bool = true, stripAccents: Bool? = nil, splitCJK: Bool = true,
            maxCharactersPerWord: Int = 100, continuationPrefix: String = "##"
        ) {
            self.lowercase = lowercase
            self.stripAccents = stripAccents ?? lowercase
            self.splitCJK = splitCJK
            self.maxCharactersPerWord = maxCharactersPerWord
            self.continuationPrefix = continuationPrefix
        }
    }

    /// The options in use.
    public let options: Options
    /// Vocabulary entries, indexed by id.
    public let vocabulary: [String]
    /// `[CLS]`.
    public let startID: Int32
    /// `[SEP]`.
    public let endID: Int32
    /// `[UNK]`.
    public let unknownID: Int32
    /// Id of `[PAD]`.
    public let padID: Int32
    private let table: PieceTable
    private let specials: [(String, Int32)]

    /// Builds a tokenizer from vocabulary entries (id = position).
    /// - Throws: ``EmbeddingError/invalidModelFile(path:reason:)`` if `[CLS]`, `[SEP]`,
    ///   `[UNK]` or `[PAD]` is missing.
    public init(vocabulary: [String], options: Options = Options(), source: String = "vocabulary") throws {
        self.options = options
        self.vocabulary = vocabulary
        let table = PieceTable(spellings: vocabulary.map { Array($0.utf8) }, ids: (0..<Int32(vocabulary.count)).map { $0 })
        self.table = table
        func special(_ s: String) throws -> Int32 {
            guard let id = table.lookup(s) else {
                throw EmbeddingError.invalidModelFile(path: source, reason: "the vocabulary has no \(s) token")
            }
            return id
        }
        startID = try special("[CLS]")
        endID = try special("[SEP]")
        unknownID = try special("[UNK]")
        padID = try special("[PAD]")
        specials = ["[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]"].compactMap { s in table.lookup(s).map { (s, $0) } }
    }

    /// Loads a `vocab.txt` (one entry per line, id = line number).
    public init(vocabularyFile url: URL, options: Options = Options()) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EmbeddingError.fileUnreadable(path: url.path, reason: "\(error)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw EmbeddingError.invalidModelFile(path: url.path, reason: "not UTF-8")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        try self.init(vocabulary: lines, options: options, source: url.path)
    }

    /// Number of vocabulary entries.
    public var vocabularySize: Int { vocabulary.count }

    /// Spellings matched literally in the raw text (before any normalisation) and emitted as
    /// their own ids, as the Hugging Face tokenizer does for special tokens: `[CLS]`,
    /// `[SEP]`, `[UNK]`, `[PAD]`, `[MASK]` (those present in the vocabulary).
    public var literalSpecialTokens: [String] { specials.map(\.0) }

    /// The words after normalisation and pre-tokenisation (step 1–5).
    public func words<S: StringProtocol>(_ text: S) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        for s in normalizedScalars(text) {
            if s == " " {
                flush()
            } else if WordPieceTokenizer.isPunctuation(s) {
                flush()
                words.append(String(s))
            } else {
                current.append(s)
            }
        }
        flush()
        return words
    }

    /// Steps 1–4: cleaned, CJK-spaced, accent-stripped, lower-cased scalars.
    func normalizedScalars<S: StringProtocol>(_ text: S) -> [Unicode.Scalar] {
        var cleaned = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value == 0 || s.value == 0xFFFD || WordPieceTokenizer.isControl(s) { continue }
            if WordPieceTokenizer.isWhitespace(s) {
                cleaned.append(" ")
            } else if options.splitCJK && WordPieceTokenizer.isCJK(s) {
                cleaned.append(" ")
                cleaned.append(s)
                cleaned.append(" ")
            } else {
                cleaned.append(s)
            }
        }
        var scalars: [Unicode.Scalar]
        if options.stripAccents {
            let decomposed = String(cleaned).decomposedStringWithCanonicalMapping
            scalars = decomposed.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
        } else {
            scalars = Array(cleaned)
        }
        if options.lowercase {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(scalars.count)
            for s in scalars {
                if s.isASCII {
                    lowered.append(s.value >= 65 && s.value <= 90 ? Unicode.Scalar(s.value + 32)! : s)
                } else {
                    lowered.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
                }
            }
            scalars = lowered
        }
        return scalars
    }

    /// The word-piece ids of `text`, without `[CLS]` / `[SEP]`; literal special-token
    /// spellings become their ids (see ``literalSpecialTokens``).
    public func tokenize(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        for (segment, special) in splitOnSpecialTokens(text) {
            if let special {
                ids.append(special)
            } else {
                for word in words(segment) { appendWordPieces(word, to: &ids) }
            }
        }
        return ids
    }

    /// Cuts `text` at literal special-token spellings: (text, nil) for ordinary segments,
    /// ("", id) for a special token.
    private func splitOnSpecialTokens(_ text: String) -> [(String, Int32?)] {
        let bytes = Array(text.utf8)
        guard !specials.isEmpty, bytes.contains(UInt8(ascii: "[")) else { return [(text, nil)] }
        var parts: [(String, Int32?)] = []
        var segmentStart = 0
        var i = 0
        outer: while i < bytes.count {
            if bytes[i] == UInt8(ascii: "[") {
                for (spelling, id) in specials where bytes[i...].starts(with: spelling.utf8) {
                    if segmentStart < i { parts.append((String(decoding: bytes[segmentStart..<i], as: UTF8.self), nil)) }
                    parts.append(("", id))
                    i += spelling.utf8.count
                    segmentStart = i
                    continue outer
                }
            }
            i += 1
        }
        if segmentStart < bytes.count { parts.append((String(decoding: bytes[segmentStart...], as: UTF8.self), nil)) }
        return parts
    }

    /// The spelling of each token `tokenize` would produce.
    public func pieces(_ text: String) -> [String] {
        tokenize(text).map { vocabulary[Int($0)] }
    }

    private func appendWordPieces(_ word: String, to ids: inout [Int32]) {
        // UTF-8 of the word and the byte offset of every scalar, so substrings are byte ranges.
        var bytes: [UInt8] = []
        var bounds: [Int] = []
        for s in word.unicodeScalars {
            bounds.append(bytes.count)
            UTF8.encode(s) { bytes.append($0) }
        }
        bounds.append(bytes.count)
        let n = bounds.count - 1
        if n > options.maxCharactersPerWord {
            ids.append(unknownID)
            return
        }
        let prefix = Array(options.continuationPrefix.utf8)
        var continuation = prefix  // prefix + candidate substring
        var pieces: [Int32] = []
        var start = 0
        while start < n {
            var end = n
            var match: Int32?
            while end > start {
                let id: Int32?
                if start == 0 {
                    id = bytes.withUnsafeBufferPointer { table.lookup(UnsafeBufferPointer(rebasing: $0[0..<bounds[end]])) }
                } else {
                    continuation.removeSubrange(prefix.count...)
                    continuation.append(contentsOf: bytes[bounds[start]..<bounds[end]])
                    id = continuation.withUnsafeBufferPointer { table.lookup($0) }
                }
                if let id {
                    match = id
                    break
                }
                end -= 1
            }
            guard let match else {
                ids.append(unknownID)
                return
            }
            pieces.append(match)
            start = end
        }
        ids.append(contentsOf: pieces)
    }

    // MARK: - Character classes (as in the Hugging Face tokenizers crate)

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case " ", "\t", "\n", "\r": return true
        default: return s.properties.isWhitespace
        }
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "\t", "\n", "\r": return false
        default:
            switch s.properties.generalCategory {
            case .control, .format, .unassigned, .privateUse, .surrogate: return true
            default: return false
            }
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
            0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
