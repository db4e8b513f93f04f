// image-bench: EfficientNet-Lite0 images/s in Quarry (Swift + OpenBLAS), release build.
//
//   image-bench [--quick] [MODEL.safetensors] [IMAGES_DIR]
//
// Prints one JSON object per line (see benchmarks/embeddings/image/README.md); the same
// cases are measured for the PyTorch reference by bench_torch.py.
import CBLAS
import Embeddings
import Foundation

let arguments = CommandLine.arguments.dropFirst().filter { $0 != "--quick" }
let quick = CommandLine.arguments.contains("--quick")
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let modelURL = arguments.first.map { URL(fileURLWithPath: $0) }
    ?? root.appendingPathComponent("models/efficientnet-lite0/efficientnet-lite0.safetensors")
let imagesURL = arguments.dropFirst().first.map { URL(fileURLWithPath: $0) }
    ?? root.appendingPathComponent("Tests/EmbeddingsTests/Fixtures/images")

/// Runs `body` (one batch of `batch` images) until both `minimumRuns` runs and
/// `minimumSeconds` are reached, after one warm-up run; returns per-run seconds.
func measure(batch: Int, minimumRuns: Int, minimumSeconds: Double, _ body: () throws -> Void) rethrows -> [Double] {
    try body()
    var times: [Double] = []
    let start = Date()
    while times.count < minimumRuns || Date().timeIntervalSince(start) < minimumSeconds {
        let t = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
    }
    return times
}

func report(_ name: String, batch: Int, threads: Int, _ times: [Double], extra: [String: String] = [:]) {
    let sorted = times.sorted()
    let median = sorted[sorted.count / 2]
    let p95 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))]
    var fields = [
        "\"impl\": \"quarry\"", "\"case\": \"\(name)\"", "\"batch\": \(batch)", "\"threads\": \(threads)",
        "\"runs\": \(times.count)",
        String(format: "\"ms_median\": %.3f", median * 1000), String(format: "\"ms_p95\": %.3f", p95 * 1000),
        String(format: "\"images_per_s\": %.2f", Double(batch) / median),
    ]
    for (k, v) in extra.sorted(by: { $0.key < $1.key }) { fields.append("\"\(k)\": \"\(v)\"") }
    FileHandle.standardOutput.write(Data(("{" + fields.joined(separator: ", ") + "}\n").utf8))
}

let net = try EfficientNetLite0(contentsOf: modelURL, maxBatch: 32)
let names = try FileManager.default.contentsOfDirectory(atPath: imagesURL.path).filter { !$0.hasPrefix(".") }.sorted()
let files = try names.map { try Data(contentsOf: imagesURL.appendingPathComponent($0)) }
let decoded = try files.map { try ImageDecoder().decode($0) }
let tensors = try decoded.map { try net.preprocessor.tensor($0) }
func inputs(_ n: Int) -> [Float] { (0..<n).flatMap { tensors[$0 % tensors.count] } }
let seconds = quick ? 0.5 : 3.0
let runs = quick ? 3 : 10
let isa = EfficientNetLite0.depthwiseInstructionSet

// 1. The network alone on preprocessed tensors.
for (batch, threads) in [(1, 1), (1, 2), (8, 1), (8, 2), (32, 1), (32, 2)] {
    openblas_set_num_threads(Int32(threads))
    let x = inputs(batch)
    let times = try measure(batch: batch, minimumRuns: runs, minimumSeconds: seconds) {
        _ = try net.outputs(preprocessed: x, count: batch, logits: false)
    }
    report("network", batch: batch, threads: threads, times, extra: ["depthwise": isa])
}

// 2. Two concurrent single-image streams, one BLAS thread each (how a server uses 2 cores).
openblas_set_num_threads(1)
do {
    let x = inputs(1)
    let perStream = quick ? 8 : 40
    let times = measure(batch: 2 * perStream, minimumRuns: quick ? 1 : 3, minimumSeconds: 0) {
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            for _ in 0..<perStream { _ = try! net.outputs(preprocessed: x, count: 1, logits: false) }
        }
    }
    report("network 2 streams", batch: 2 * perStream, threads: 2, times)
}

// 2b. One decoded image, preprocessing and network, each layer split among 1 or 2 threads
// with one BLAS thread each (a search on an idle server).
for threads in [1, 2] {
    var i = 0
    let times = try measure(batch: 1, minimumRuns: runs * 2, minimumSeconds: seconds) {
        _ = try net.embed(decoded[i % decoded.count], threads: threads)
        i += 1
    }
    report("preprocess+network, split", batch: 1, threads: threads, times)
}

// 3. End to end from encoded files: decode, orient, resize, crop, normalise, network.
for threads in [1, 2] {
    openblas_set_num_threads(Int32(threads))
    var i = 0
    let times = try measure(batch: 1, minimumRuns: runs * 2, minimumSeconds: seconds) {
        _ = try net.embed(imageData: files[i % files.count])
        i += 1
    }
    report("end-to-end", batch: 1, threads: threads, times)
}

// 4. Preprocessing alone (decode + resize/crop/normalise), one thread.
do {
    var i = 0
    let times = try measure(batch: 1, minimumRuns: runs * 5, minimumSeconds: seconds / 2) {
        let image = try ImageDecoder().decode(files[i % files.count])
        _ = try net.preprocessor.tensor(image)
        i += 1
    }
    report("decode+preprocess", batch: 1, threads: 1, times)
}
