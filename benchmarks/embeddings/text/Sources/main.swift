// text-bench — single-query latency and batch throughput of Quarry's text encoders
// (e5-small, minilm-l6). Writes one JSON object per case to stdout, and the exact inputs to
// --inputs FILE so that bench_reference.py times the reference engines on the same texts.
//
//   text-bench [--quick] [--models DIR] [--fixtures FILE] [--inputs FILE] [--model NAME]
import Dispatch
import Embeddings
import Foundation

struct Arguments {
    var quick = false
    var models = "models"
    var fixtures = "Tests/EmbeddingsTests/Fixtures/sentences.json"
    var inputs: String?
    var onlyModel: String?

    init() {
        var it = CommandLine.arguments.dropFirst().makeIterator()
        while let a = it.next() {
            switch a {
            case "--quick": quick = true
            case "--models": models = it.next() ?? models
            case "--fixtures": fixtures = it.next() ?? fixtures
            case "--inputs": inputs = it.next()
            case "--model": onlyModel = it.next()
            default:
                FileHandle.standardError.write("text-bench: unknown argument \(a)\n".data(using: .utf8)!)
                exit(2)
            }
        }
    }
}

/// The texts of one model's cases.
struct ModelInputs: Codable {
    var queries: [String]
    var passages: [String]
    var queryTokens: [Int]
    var passageTokens: [Int]
}

func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))]
}

func emit(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// Cuts `source` into `count` passages of about `tokens` tokens (by `encoder`'s count for
/// passages), each starting at a different place.
func passages(from source: String, count: Int, tokens: Int, encoder: BertEncoder) -> [String] {
    let chars = Array(source)
    var out: [String] = []
    for i in 0..<count {
        let start = (i * 37) % max(1, chars.count / 2)
        var lo = 1, hi = chars.count - start
        while lo < hi {  // longest prefix with at most `tokens` tokens
            let mid = (lo + hi + 1) / 2
            if encoder.tokenCount(String(chars[start..<(start + mid)]), role: .passage) <= tokens { lo = mid } else { hi = mid - 1 }
        }
        out.append(String(chars[start..<(start + lo)]))
    }
    return out
}

struct Sentence: Decodable { let id: String; let text: String }
struct SentenceFile: Decodable { let sentences: [Sentence] }

let args = Arguments()
let fixtures = try JSONDecoder().decode(SentenceFile.self, from: Data(contentsOf: URL(fileURLWithPath: args.fixtures))).sentences
func fixture(_ id: String) -> String { fixtures.first { $0.id == id }!.text }
let modelsURL = URL(fileURLWithPath: args.models)
let queryRuns = args.quick ? 30 : 200
let batchRuns = args.quick ? 2 : 5
var allInputs: [String: ModelInputs] = [:]

FileHandle.standardError.write("text-bench: SIMD path \(SIMDLevel.current), \(ProcessInfo.processInfo.activeProcessorCount) cores\n".data(using: .utf8)!)

for name in ["e5-small", "minilm-l6"] where args.onlyModel == nil || args.onlyModel == name {
    let t0 = seconds()
    let encoder = try TextModelRegistry.load(name, modelsDirectory: modelsURL)
    let loadMs = (seconds() - t0) * 1e3
    let isE5 = name == "e5-small"
    let queries = isE5
        ? ["eval-d02", "eval-d06", "eval-d10", "eval-d19", "zh-query-hand", "eval-d07"].map(fixture)
        : ["en-query-short", "en-question", "eval-d07", "eval-d12"].map(fixture)
    let texts = passages(from: fixture(isE5 ? "zh-long" : "en-long"), count: 32, tokens: 190, encoder: encoder)
    let inputs = ModelInputs(queries: queries, passages: texts,
                             queryTokens: queries.map { encoder.tokenCount($0, role: .query) },
                             passageTokens: texts.map { encoder.tokenCount($0, role: .passage) })
    allInputs[name] = inputs
    emit(["impl": "quarry", "model": name, "case": "load", "ms": loadMs])

    // Single queries, one thread (the calling thread; nothing else is started).
    for q in queries { _ = try encoder.embed(q, role: .query) }
    var times: [Double] = []
    for i in 0..<queryRuns {
        let q = queries[i % queries.count]
        let t = seconds()
        _ = try encoder.embed(q, role: .query)
        times.append(seconds() - t)
    }
    let meanTokens = Double(inputs.queryTokens.reduce(0, +)) / Double(queries.count)
    emit(["impl": "quarry", "model": name, "case": "query", "batch": 1, "threads": 1, "runs": queryRuns,
          "tokens": meanTokens, "ms_median": percentile(times, 0.5) * 1e3, "ms_p95": percentile(times, 0.95) * 1e3,
          "items_per_s": 1 / percentile(times, 0.5)])

    // Batches of 32 passages (~190 tokens), with 2 threads and with 1.
    for threads in [2, 1] {
        let batched = try TextModelRegistry.load(name, modelsDirectory: modelsURL,
                                                 options: BertEncoder.Options(maxThreads: threads))
        _ = try batched.embed(texts, role: .passage)
        var bt: [Double] = []
        for _ in 0..<batchRuns {
            let t = seconds()
            _ = try batched.embed(texts, role: .passage)
            bt.append(seconds() - t)
        }
        let passageTokens = Double(inputs.passageTokens.reduce(0, +)) / Double(texts.count)
        emit(["impl": "quarry", "model": name, "case": "passages", "batch": texts.count, "threads": threads,
              "runs": batchRuns, "tokens": passageTokens, "ms_median": percentile(bt, 0.5) * 1e3,
              "ms_p95": percentile(bt, 0.95) * 1e3, "items_per_s": Double(texts.count) / percentile(bt, 0.5)])
    }
}

if let path = args.inputs {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try encoder.encode(allInputs).write(to: URL(fileURLWithPath: path))
}
