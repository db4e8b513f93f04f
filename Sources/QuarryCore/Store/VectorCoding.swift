import Foundation

/// Vectors are stored (in SQLite, and in cluster mode in PostgreSQL) as little-endian `Float32` BLOBs.
public enum VectorCoding {
    /// The bytes of `vector`.
    public static func encode(_ vector: some Collection<Float>) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Appends the decoded floats of `data` to `output`; returns false when the size is not `dimension` floats.
    public static func decode(_ data: Data, dimension: Int, into output: inout [Float]) -> Bool {
        guard data.count == dimension * 4 else { return false }
        data.withUnsafeBytes { raw in
            for offset in stride(from: 0, to: raw.count, by: 4) {
                let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                output.append(Float(bitPattern: bits))
            }
        }
        return true
    }
}
