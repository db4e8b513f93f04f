#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read-only memory mapping of a whole file, unmapped when released.
///
/// Reads are bounds-checked and little-endian; the mapping is never written, so one
/// instance can be shared by any number of threads.
final class MappedFile: @unchecked Sendable {
    /// Path, for messages.
    let path: String
    /// Start of the mapping.
    let base: UnsafeRawPointer
    /// Length in bytes.
    let count: Int

    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { throw EmbeddingError.fileUnreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) != 0 {
            throw EmbeddingError.fileUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if (status.st_mode & S_IFMT) != S_IFREG {
            throw EmbeddingError.fileUnreadable(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        if size == 0 { throw EmbeddingError.invalidModelFile(path: path, reason: "the file is empty") }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), p != MAP_FAILED else {
            throw EmbeddingError.fileUnreadable(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(p)
        count = size
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), count)
    }

    /// The bytes `offset ..< offset + length`, or an error naming `what` if they lie outside the file.
    func bytes(at offset: Int, count length: Int, what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, length >= 0, offset <= count, length <= count - offset else {
            throw EmbeddingError.invalidModelFile(
                path: path, reason: "\(what()) (bytes \(offset)..<\(offset &+ length)) lies beyond the end of the file (\(count) bytes)")
        }
        return UnsafeRawBufferPointer(start: base + offset, count: length)
    }
}

/// Sequential little-endian reader over a ``MappedFile``.
struct MappedReader {
    let file: MappedFile
    var offset: Int

    init(_ file: MappedFile, offset: Int = 0) {
        self.file = file
        self.offset = offset
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let b = try file.bytes(at: offset, count: MemoryLayout<T>.size, what: what())
        offset += MemoryLayout<T>.size
        return T(littleEndian: b.loadUnaligned(as: T.self))
    }

    mutating func readFloat(_ what: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readBytes(_ n: Int, _ what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        let b = try file.bytes(at: offset, count: n, what: what())
        offset += n
        return b
    }
}
