import Foundation

/// Wall-clock seconds of one run of `body`.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// This process's memory as the kernel reports it in /proc/self/status.
enum ProcessMemory {
    /// Peak resident set size so far (VmHWM), in bytes.
    static var peakResident: Int { field("VmHWM") }
    /// Current resident set size (VmRSS), in bytes.
    static var resident: Int { field("VmRSS") }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kilobytes = line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Int($0) } ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}

/// Writes a progress line to standard error immediately.
func log(_ message: String) {
    FileHandle.standardError.write(Data("scale-bench: \(message)\n".utf8))
}
