import Foundation

/// The real passage embeddings the synthetic data is generated around: the
/// e5-small vectors of the easy-vecdb course as stored by a Quarry collection
/// (`store.sqlite`, table `passages`, column `vector`: little-endian float32 BLOBs),
/// exported by run.sh with `sqlite3 … "SELECT hex(vector) FROM passages ORDER BY id"`.
struct SeedVectors {
    /// Components per vector.
    let dimension: Int
    /// `count × dimension` values, row after row, as stored.
    let values: [Float]

    var count: Int { values.count / dimension }

    /// FNV-1a over the values' bit patterns, to tell one set of seeds from another.
    var checksum: UInt64 {
        values.reduce(0xCBF2_9CE4_8422_2325) { hash, value in
            (hash ^ UInt64(value.bitPattern)) &* 0x0000_0100_0000_01B3
        }
    }

    /// Parses one hex-encoded BLOB per line.
    init(hexDump url: URL) throws {
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
        guard let first = lines.first, first.count % 8 == 0, !first.isEmpty else {
            throw BenchmarkError("\(url.path): no hex-encoded float32 vectors")
        }
        dimension = first.count / 8
        var values: [Float] = []
        values.reserveCapacity(lines.count * dimension)
        for (number, line) in lines.enumerated() {
            guard line.count == dimension * 8 else {
                throw BenchmarkError("\(url.path):\(number + 1): expected \(dimension * 8) hex digits, got \(line.count)")
            }
            let bytes = Array(line.utf8)
            for component in 0..<dimension {
                var bits: UInt32 = 0
                for byte in 0..<4 {
                    let offset = component * 8 + byte * 2
                    guard let high = Self.nibble(bytes[offset]), let low = Self.nibble(bytes[offset + 1]) else {
                        throw BenchmarkError("\(url.path):\(number + 1): not hexadecimal")
                    }
                    bits |= UInt32(high << 4 | low) << (8 * byte)  // little-endian byte order
                }
                values.append(Float(bitPattern: bits))
            }
        }
        self.values = values
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
