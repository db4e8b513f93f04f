// faiss-bench: Quarry's side of benchmarks/faiss (see benchmarks/faiss/run.sh).
//
//   faiss-bench search DATA_DIR       build Flat / HNSW32 / IVF1024 over DATA_DIR/base.f32 and
//                                     print one JSON line per (index, parameter): build seconds,
//                                     1-query QPS (1 thread), batched QPS (all threads), recall@10
//   faiss-bench persist PATH COUNT REPEAT
//                                     write a Flat index of COUNT vectors to PATH REPEAT times,
//                                     printing write seconds (also used by the atomic-write test)
import Faiss
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: faiss-bench search DATA_DIR | persist PATH COUNT REPEAT\n".utf8))
    exit(2)
}

switch arguments[1] {
case "search":
    try SearchBenchmark(dataDirectory: URL(fileURLWithPath: arguments[2])).run()
case "persist" where arguments.count == 5:
    try PersistBenchmark(path: URL(fileURLWithPath: arguments[2]), count: Int(arguments[3])!, repeats: Int(arguments[4])!).run()
default:
    FileHandle.standardError.write(Data("unknown mode \(arguments[1])\n".utf8))
    exit(2)
}
