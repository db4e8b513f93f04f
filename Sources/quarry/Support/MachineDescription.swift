import Foundation

/// A one-line description of this machine for reports: CPU model, cores, memory.
enum MachineDescription {
    static var current: String {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuInfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown CPU"
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30)
        return String(format: "%@, %d cores, %.0f GiB", model, ProcessInfo.processInfo.activeProcessorCount, memory)
    }
}
