import CZlib
import Foundation

/// Decompression of gzip files, with zlib (its `CZlib` module comes with ZIPFoundation).
enum Gzip {
    /// Why gzip data could not be decompressed.
    struct Failure: Error, CustomStringConvertible {
        let reason: String
        var description: String { "gzip: \(reason)" }
    }

    /// The decompressed contents of `data` (a whole gzip stream, possibly several members).
    static func decompress(_ data: Data) throws(Failure) -> Data {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(reason: "cannot initialise zlib")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let result: Int32 = data.withUnsafeBytes { (input: UnsafeRawBufferPointer) -> Int32 in
            guard let base = input.bindMemory(to: Bytef.self).baseAddress else { return Z_DATA_ERROR }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(input.count)
            var status = Z_OK
            repeat {
                status = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(chunkSize)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    output.append(buffer.baseAddress!, count: chunkSize - Int(stream.avail_out))
                    return status
                }
                // A finished member followed by more input: another gzip member.
                if status == Z_STREAM_END, stream.avail_in > 0 {
                    status = inflateReset(&stream)
                }
            } while status == Z_OK
            return status
        }
        guard result == Z_STREAM_END else {
            throw Failure(reason: result == Z_BUF_ERROR ? "truncated data" : "corrupt data (zlib status \(result))")
        }
        return output
    }
}
