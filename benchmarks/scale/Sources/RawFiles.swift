import Foundation

/// Raw little-endian binary files without a header: `float32` vectors
/// (`rows × dimension` values, row after row) and `int64` neighbour ids
/// (`rows × k`). Their shape lives in the data set's `meta.json`.
enum RawFiles {
    /// Reads a whole file of `T` values straight into an array (no intermediate copy,
    /// which matters for the 1.5 GB base vectors).
    static func read<T: BitwiseCopyable>(_ url: URL, as type: T.Type = T.self) throws -> [T] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let bytes = Int(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
        guard bytes % MemoryLayout<T>.stride == 0 else {
            throw BenchmarkError("\(url.path): \(bytes) bytes is not a whole number of \(T.self) values")
        }
        let count = bytes / MemoryLayout<T>.stride
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var offset = 0
            while offset < bytes {
                let got = Foundation.read(handle.fileDescriptor, raw.baseAddress! + offset, bytes - offset)
                guard got > 0 else { throw BenchmarkError("\(url.path): short read at byte \(offset)") }
                offset += got
            }
            initialized = count
        }
    }

    /// Writes `values` to `url` through a temporary file renamed into place,
    /// so an interrupted run never leaves a truncated file that a rerun would trust.
    static func write<T: BitwiseCopyable>(_ values: [T], to url: URL) throws {
        let temporary = url.appendingPathExtension("partial")
        try values.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return try Data().write(to: temporary) }
            let view = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: start), count: bytes.count, deallocator: .none)
            try view.write(to: temporary)
        }
        guard rename(temporary.path, url.path) == 0 else {
            throw BenchmarkError("cannot rename \(temporary.path) to \(url.path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A failure with a message for the person running the benchmark.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
