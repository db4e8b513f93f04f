#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed-size, 64-byte aligned heap buffer of trivial values, freed on release.
///
/// Used for weights (written once while loading, then only read) and for per-call
/// scratch memory.
final class AlignedBuffer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Element>
    let count: Int

    init(count: Int, zeroed: Bool = false) {
        precondition(count >= 0)
        let bytes = max(1, count * MemoryLayout<Element>.stride)
        var raw: UnsafeMutableRawPointer?
        let rc = posix_memalign(&raw, 64, (bytes + 63) & ~63)
        guard rc == 0, let raw else { fatalError("AlignedBuffer: cannot allocate \(bytes) bytes") }
        if zeroed { memset(raw, 0, bytes) }
        pointer = raw.bindMemory(to: Element.self, capacity: max(count, 1))
        self.count = count
    }

    convenience init(_ values: [Element]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { src in
            if let b = src.baseAddress { pointer.update(from: b, count: values.count) }
        }
    }

    deinit { free(pointer) }

    var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
