import Faiss
import Foundation

/// Reads the benchmark's data files: a header of two little-endian UInt32
/// (rows, columns) followed by row-major values.
enum DataFiles {
    static func header(_ data: Data) -> (rows: Int, columns: Int) {
        let rows = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self) }
        let columns = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self) }
        return (Int(UInt32(littleEndian: rows)), Int(UInt32(littleEndian: columns)))
    }

    static func matrix(_ url: URL) throws -> Matrix {
        let data = try Data(contentsOf: url)
        let (rows, columns) = header(data)
        let values = data.dropFirst(8).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return try Matrix(rows: rows, columns: columns, storage: values)
    }

    static func ids(_ url: URL) throws -> [[Int64]] {
        let data = try Data(contentsOf: url)
        let (rows, k) = header(data)
        let values = data.dropFirst(8).withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
        return (0..<rows).map { Array(values[($0 * k)..<(($0 + 1) * k)]) }
    }
}
