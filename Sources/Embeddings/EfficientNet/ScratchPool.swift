import Foundation

/// Reusable activation buffers for the image network. Each call takes a buffer set for its
/// own exclusive use and gives it back afterwards, so concurrent calls never share memory
/// while repeated calls avoid re-faulting tens of megabytes of fresh pages.
final class ScratchPool: @unchecked Sendable {
    /// One set of buffers: `count` float arrays of `capacity` elements each.
    final class Buffers {
        let capacity: Int
        let pointers: [UnsafeMutablePointer<Float>]
        init(count: Int, capacity: Int) {
            self.capacity = capacity
            pointers = (0..<count).map { _ in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
                p.initialize(repeating: 0, count: capacity)
                return p
            }
        }
        deinit { for pointer in pointers { pointer.deallocate() } }
    }

    private let lock = NSLock()
    private var free: [Buffers] = []
    private let keep: Int
    private let count: Int

    /// - Parameters:
    ///   - buffers: buffers per set.
    ///   - keep: most idle sets kept for reuse.
    init(buffers: Int, keep: Int) {
        count = buffers
        self.keep = keep
    }

    /// Runs `body` with a buffer set whose buffers hold at least `capacity` floats.
    func with<R>(capacity: Int, _ body: (Buffers) throws -> R) rethrows -> R {
        let buffers = take(capacity: capacity)
        defer { give(buffers) }
        return try body(buffers)
    }

    private func take(capacity: Int) -> Buffers {
        lock.lock()
        if let i = free.lastIndex(where: { $0.capacity >= capacity }) {
            let b = free.remove(at: i)
            lock.unlock()
            return b
        }
        lock.unlock()
        return Buffers(count: count, capacity: capacity)
    }

    private func give(_ buffers: Buffers) {
        lock.lock()
        free.append(buffers)
        if free.count > keep {
            free.sort { $0.capacity > $1.capacity }
            free.removeLast(free.count - keep)  // drop the smallest
        }
        lock.unlock()
    }
}
