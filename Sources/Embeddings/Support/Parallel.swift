/// Runs `body` over `0 ..< count` split into at most `threads` contiguous ranges, in
/// parallel when `threads > 1` (on ``ForkJoinPool/shared``) and inline otherwise.
/// Returns when every range is done.
@inline(__always)
func parallelRanges(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    let parts = max(1, min(threads, count))
    if parts <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    ForkJoinPool.shared.run(parts: parts) { part in
        let range = partRange(part, of: parts, count: count)
        if !range.isEmpty { body(range) }
    }
}

/// Runs `body` over `0 ..< count` split into at most `threads` contiguous ranges, in parallel
/// when `threads > 1`, and returns the ranges' results in range order. Each range writes
/// only its own result slot, so no lock is needed.
public func parallelMapRanges<Result>(_ count: Int, threads: Int, _ body: (Range<Int>) -> Result) -> [Result] {
    guard count > 0 else { return [] }
    let parts = max(1, min(threads, count))
    return [Result](unsafeUninitializedCapacity: parts) { slots, initializedCount in
        let firstSlot = UncheckedSendable(slots.baseAddress!)
        parallelRanges(parts, threads: parts) { partIndices in
            for part in partIndices {
                (firstSlot.value + part).initialize(to: body(partRange(part, of: parts, count: count)))
            }
        }
        initializedCount = parts
    }
}

/// Part `part` of `0 ..< count` cut into `parts` contiguous ranges of near-equal size.
@inline(__always)
func partRange(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
    (count * part / parts)..<(count * (part + 1) / parts)
}

/// Wraps a value whose thread safety is guaranteed by the caller (here: closures that
/// write disjoint parts of per-call buffers).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
