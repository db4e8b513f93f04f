import Foundation

/// Runs an external program (poppler's `pdftotext`) with a time limit, collecting its output
/// through temporary files so that a chatty program can never block on a full pipe.
struct ExternalTool: Sendable {
    /// The program's name, for messages and the `PATH` search.
    var name: String
    /// An explicit path to the executable; `nil` searches `PATH` (and the usual system folders).
    var executablePath: String?
    /// The installation hint shown when the program is missing.
    var installHint: String

    /// The executable, or ``DocumentReadError/toolNotFound(tool:hint:)``.
    func locate() throws(DocumentReadError) -> URL {
        let fileManager = FileManager.default
        if let executablePath {
            guard fileManager.isExecutableFile(atPath: executablePath) else {
                throw .toolNotFound(tool: executablePath, hint: installHint)
            }
            return URL(fileURLWithPath: executablePath)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
        for folder in folders where !folder.isEmpty {
            let candidate = (folder as NSString).appendingPathComponent(name)
            if fileManager.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        throw .toolNotFound(tool: name, hint: installHint)
    }

    /// Runs the program with `arguments`; returns its standard output. A non-zero exit status, or
    /// running past `timeout` seconds, throws ``DocumentReadError/toolFailed(tool:path:status:message:)``.
    func run(_ arguments: [String], document: String, timeout: TimeInterval) throws(DocumentReadError) -> Data {
        let executable = try locate()
        let fileManager = FileManager.default
        let scratch = fileManager.temporaryDirectory.appendingPathComponent("quarry-\(name)-\(UUID().uuidString)")
        do {
            try fileManager.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw .toolFailed(tool: name, path: document, status: -1, message: "cannot create a temporary folder: \(error.localizedDescription)")
        }
        defer { try? fileManager.removeItem(at: scratch) }
        let outputURL = scratch.appendingPathComponent("stdout")
        let errorURL = scratch.appendingPathComponent("stderr")
        _ = fileManager.createFile(atPath: outputURL.path, contents: nil)
        _ = fileManager.createFile(atPath: errorURL.path, contents: nil)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            let output = try FileHandle(forWritingTo: outputURL)
            let errors = try FileHandle(forWritingTo: errorURL)
            defer {
                try? output.close()
                try? errors.close()
            }
            process.standardOutput = output
            process.standardError = errors
            process.standardInput = FileHandle.nullDevice
            try process.run()
        } catch {
            throw .toolFailed(tool: name, path: document, status: -1, message: "cannot start: \(error.localizedDescription)")
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = finished.wait(timeout: .now() + 5)
            throw .toolFailed(tool: name, path: document, status: -1, message: "timed out after \(Int(timeout)) s")
        }
        let status = process.terminationStatus
        guard status == 0 else {
            let message = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
            throw .toolFailed(tool: name, path: document, status: status, message: message.collapsingWhitespace())
        }
        do {
            return try Data(contentsOf: outputURL)
        } catch {
            throw .toolFailed(tool: name, path: document, status: status, message: "cannot read its output: \(error.localizedDescription)")
        }
    }
}
