import Foundation

/// CPU time and resident memory of this process, read from `/proc/self`.
struct ProcessUsage: Equatable {
    /// User plus system CPU time, in seconds.
    var cpuSeconds: Double
    /// Resident set size, in bytes.
    var residentBytes: Double

    /// The current usage; nil where `/proc` is missing or unreadable (e.g. macOS).
    static func current() -> ProcessUsage? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        else { return nil }
        return ProcessUsage(
            stat: stat, statm: statm,
            ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))), pageSize: Double(sysconf(Int32(_SC_PAGESIZE)))
        )
    }

    /// Parses `/proc/self/stat` (fields 14 and 15: utime, stime in clock ticks)
    /// and `/proc/self/statm` (field 2: resident pages).
    init?(stat: String, statm: String, ticksPerSecond: Double, pageSize: Double) {
        // The command name (field 2) is parenthesised and may hold spaces: count fields after its closing parenthesis.
        guard let end = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        let memory = statm.split(whereSeparator: \.isWhitespace)
        guard fields.count > 12, memory.count > 1, ticksPerSecond > 0,
            let user = Double(fields[11]), let system = Double(fields[12]), let pages = Double(memory[1])
        else { return nil }
        cpuSeconds = (user + system) / ticksPerSecond
        residentBytes = pages * pageSize
    }
}
