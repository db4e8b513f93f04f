import Foundation

/// The operations that write into a collection's folder, and the end of that folder.
///
/// Deleting a collection ends its lifetime: ``end()`` waits for the operations
/// under way and every later one is refused with ``CollectionError/notFound(_:)``.
/// So a write or rebuild that raced a deletion never writes into the folder of
/// a new collection of the same name, and never fails half way on a vanished one.
/// Operations may nest; they do not exclude one another.
public final class FolderLifetime: @unchecked Sendable {
    /// The collection, named in the refusal.
    public let name: String
    private let condition = NSCondition()
    private var running = 0
    private var ended = false

    public init(name: String) {
        self.name = name
    }

    /// Runs `operation` unless the lifetime has ended.
    /// - Throws: ``CollectionError/notFound(_:)`` once ended; whatever `operation` throws.
    public func whileOpen<Result>(_ operation: () throws -> Result) throws -> Result {
        condition.lock()
        guard !ended else {
            condition.unlock()
            throw CollectionError.notFound(name)
        }
        running += 1
        condition.unlock()
        defer {
            condition.lock()
            running -= 1
            if running == 0 { condition.broadcast() }
            condition.unlock()
        }
        return try operation()
    }

    /// Refuses every later operation and waits for those under way to finish.
    public func end() {
        condition.lock()
        ended = true
        while running > 0 { condition.wait() }
        condition.unlock()
    }
}
