import Foundation
import QuarryCore

/// A one-line progress bar on standard error, drawn only when it is a terminal.
struct ProgressBar {
    let enabled = isatty(STDERR_FILENO) == 1
    let width = 30

    func update(completed: Int, total: Int, label: String) {
        guard enabled, total > 0 else { return }
        let filled = width * completed / total
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        let name = label.count > 40 ? "…" + label.suffix(39) : label
        FileHandle.standardError.write(Data("\r[\(bar)] \(completed)/\(total) \(name)\u{1B}[K".utf8))
        if completed == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// Shows an ingestion's progress.
    func update(_ progress: IngestProgress) {
        update(completed: progress.completed, total: progress.total, label: progress.source)
    }
}
