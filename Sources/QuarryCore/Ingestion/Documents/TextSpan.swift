/// A half-open range `start..<end` of Unicode-scalar offsets into a text.
///
/// Offsets count Unicode scalars (not bytes, not grapheme clusters), so
/// `String(String.UnicodeScalarView(scalars[start..<end]))` recovers the text, where `scalars` is
/// `Array(text.unicodeScalars)`. A CRLF line break counts as two scalars.
public struct TextSpan: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Offset of the first scalar.
    public var start: Int
    /// Offset one past the last scalar.
    public var end: Int

    /// Creates a span; `end` must not be smaller than `start`.
    public init(start: Int, end: Int) {
        precondition(start >= 0 && end >= start, "invalid span \(start)..<\(end)")
        self.start = start
        self.end = end
    }

    /// Creates a span from a half-open range of offsets.
    public init(_ range: Range<Int>) {
        self.init(start: range.lowerBound, end: range.upperBound)
    }

    /// The span as a range of offsets.
    public var range: Range<Int> { start..<end }

    /// The number of scalars covered.
    public var length: Int { end - start }

    /// Whether the two spans share at least one scalar.
    public func overlaps(_ other: TextSpan) -> Bool {
        start < other.end && other.start < end
    }

    public var description: String { "\(start)..<\(end)" }
}
