import Faiss
import Foundation

/// Writes a Flat index repeatedly and reports the time of each write.
struct PersistBenchmark {
    let path: URL
    let count: Int
    let repeats: Int

    func run() throws {
        let dimension = 64
        var storage = [Float](repeating: 0, count: count * dimension)
        for i in storage.indices { storage[i] = Float((i * 7919) % 1000) / 1000 }
        let index = try Index(dimension: dimension, factory: "Flat")
        try index.add(try Matrix(rows: count, columns: dimension, storage: storage), ids: (0..<Int64(count)).map { $0 })
        emit("ready")
        for _ in 0..<repeats {
            let elapsed = try seconds { try index.write(to: path) }
            emit(String(format: "write_s %.4f", elapsed))
        }
    }
}
