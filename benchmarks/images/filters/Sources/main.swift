// filter-bench: where a filtered image search should switch from ranking the matching images
// exactly to filtering the IVF index's candidates, measured on a synthetic collection.
//
//   filter-bench [--images N] [--queries Q] [--nprobe P]
//
// Stores N (default 50,000) clustered unit vectors of EfficientNet's 1,280 dimensions, with prices
// 0, 1, …, N−1 in random order, in a temporary image collection, builds its default IVF index,
// then for filters matching M = 10 … N images (price_max = M − 1) times Q queries (default 30,
// top 10) on both paths: exact ranking of the matching set, and the index path (probing P lists,
// default 16, and more until 10 pass). Prints a Markdown table: median and p95 milliseconds of
// each path, and the index path's recall@10 against the exact answer.
import Embeddings
import Foundation
import Logging
import QuarryCore

func option(_ name: String, default value: Int) -> Int {
    guard let position = CommandLine.arguments.firstIndex(of: name), position + 1 < CommandLine.arguments.count,
        let parsed = Int(CommandLine.arguments[position + 1])
    else { return value }
    return parsed
}

let imageCount = option("--images", default: 50_000)
let queryCount = option("--queries", default: 30)
let nprobe = option("--nprobe", default: 16)
let dimension = 1_280

/// No image is embedded here: vectors are stored directly.
struct UnusedEncoder: ImageEncoder {
    var dimension: Int { 1_280 }
    func embed(_ image: DecodedImage) throws -> [Float] { fatalError("filter-bench stores vectors directly") }
}

func gaussian() -> Float {
    let u = Float.random(in: Float.ulpOfOne..<1), v = Float.random(in: 0..<1)
    return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
}
func normalised(_ vector: [Float]) -> [Float] {
    let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return vector.map { $0 / norm }
}
/// 200 cluster centres; each vector is a centre plus noise, as embeddings of similar items are.
let centres = (0..<200).map { _ in normalised((0..<dimension).map { _ in gaussian() }) }
func sample() -> [Float] {
    let centre = centres.randomElement()!
    return normalised(centre.map { $0 + 0.03 * gaussian() })
}

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("filter-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let collection = try ImageCollection.create(
    name: "bench", in: folder, encoder: UnusedEncoder(), model: "synthetic", logger: Logger(label: "filter-bench")
)
let prices = (0..<imageCount).shuffled()
for batch in stride(from: 0, to: imageCount, by: 5_000) {
    _ = try collection.store.insert((batch..<min(batch + 5_000, imageCount)).map { position in
        NewImage(
            path: "\(position).png", category: "c\(position % 10)", price: Double(prices[position]), title: "",
            width: 1, height: 1, contentHash: "\(position)", vector: sample()
        )
    })
}
let factory = try collection.reindex()
FileHandle.standardError.write(Data("filter-bench: \(imageCount) vectors, \(factory), nprobe \(nprobe)\n".utf8))

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction))]
}

print("| matching | exact p50 ms | exact p95 ms | index p50 ms | index p95 ms | index recall@10 |")
print("|---:|---:|---:|---:|---:|---:|")
let queries = (0..<queryCount).map { _ in sample() }
for matching in [10, 100, 300, 1_000, 2_000, 5_000, 10_000, 20_000, imageCount] where matching <= imageCount {
    var exactTimes: [Double] = [], indexTimes: [Double] = [], recall = 0.0
    for query in queries {
        var request = ImageSearchRequest(vector: query, topK: 10, nprobe: nprobe, filter: ImageFilter(priceMax: Double(matching - 1)))
        request.exactRankingLimit = imageCount
        var exact: [Int64] = []
        exactTimes.append(try milliseconds { exact = try collection.search(request).hits.map(\.image.id) })
        request.exactRankingLimit = 0
        var approximate: [Int64] = []
        indexTimes.append(try milliseconds { approximate = try collection.search(request).hits.map(\.image.id) })
        recall += Double(Set(exact).intersection(approximate).count) / Double(max(exact.count, 1))
    }
    print(String(
        format: "| %d | %.2f | %.2f | %.2f | %.2f | %.3f |", matching, percentile(exactTimes, 0.5), percentile(exactTimes, 0.95),
        percentile(indexTimes, 0.5), percentile(indexTimes, 0.95), recall / Double(queryCount)
    ))
}
