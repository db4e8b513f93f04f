import Foundation

/// `--name value` command-line options, read by name.
struct Options {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>) throws {
        var remaining = arguments
        while let name = remaining.popFirst() {
            guard name.hasPrefix("--"), let value = remaining.popFirst() else {
                throw BenchmarkError("expected --name value pairs, got \(name)")
            }
            values[String(name.dropFirst(2))] = value
        }
    }

    func string(_ name: String) throws -> String {
        guard let value = values[name] else { throw BenchmarkError("missing --\(name)") }
        return value
    }

    func url(_ name: String) throws -> URL { URL(fileURLWithPath: try string(name)) }

    func integer(_ name: String, default fallback: Int? = nil) throws -> Int {
        guard let text = values[name] else {
            if let fallback { return fallback }
            throw BenchmarkError("missing --\(name)")
        }
        guard let value = Int(text) else { throw BenchmarkError("--\(name) must be an integer, got \(text)") }
        return value
    }
}
