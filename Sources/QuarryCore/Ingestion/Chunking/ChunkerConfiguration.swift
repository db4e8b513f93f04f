/// How the ``Chunker`` sizes passages.
public struct ChunkerConfiguration: Sendable, Hashable, Codable {
    /// What to do with code blocks.
    public enum CodePolicy: String, Sendable, Hashable, Codable {
        /// Code becomes passages of its own, flagged ``Passage/isCode`` (split at lines, no overlap).
        case separatePassages
        /// Code produces no passages.
        case omit
    }

    /// The most tokens a passage may have (as counted by the ``TokenCounter``). A passage is larger
    /// only never: a sentence longer than this is split at clauses, then words, then characters.
    public var targetTokens: Int
    /// How many tokens of whole sentences from the end of a passage are repeated at the start of
    /// the next one in the same chapter and page (0 for none). Must be below ``targetTokens``.
    public var overlapTokens: Int
    /// When the next paragraph does not fit into the current passage entirely, the passage is closed
    /// at the paragraph boundary if it already holds at least this fraction of ``targetTokens``;
    /// otherwise it is filled with the paragraph's first sentences. 0 packs sentences greedily.
    public var paragraphBreakFill: Double
    /// What to do with code blocks.
    public var codePolicy: CodePolicy

    /// Creates a configuration.
    public init(
        targetTokens: Int = 200,
        overlapTokens: Int = 40,
        paragraphBreakFill: Double = 0.5,
        codePolicy: CodePolicy = .separatePassages
    ) {
        self.targetTokens = targetTokens
        self.overlapTokens = overlapTokens
        self.paragraphBreakFill = paragraphBreakFill
        self.codePolicy = codePolicy
    }

    /// A description of what is wrong, or `nil` for a usable configuration.
    public var problem: String? {
        if targetTokens < 1 { return "targetTokens must be at least 1 (is \(targetTokens))" }
        if overlapTokens < 0 { return "overlapTokens must not be negative (is \(overlapTokens))" }
        if overlapTokens >= targetTokens {
            return "overlapTokens (\(overlapTokens)) must be smaller than targetTokens (\(targetTokens))"
        }
        if !(0...1).contains(paragraphBreakFill) { return "paragraphBreakFill must be between 0 and 1 (is \(paragraphBreakFill))" }
        return nil
    }
}

/// A chunker configuration that cannot work.
public struct ChunkerConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var reason: String
    public var description: String { "invalid chunker configuration: \(reason)" }
}
