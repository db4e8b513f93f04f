/// Why a backup could not be written, found, pruned or restored.
/// (Problems with a backup's content are ``BackupProblem``s in a ``VerificationReport``.)
public enum BackupError: Error, Equatable, Sendable {
    /// No backup folder at `path`.
    case backupNotFound(path: String)
    /// The backup at `path` failed verification.
    case invalidBackup(path: String, problems: [BackupProblem])
    /// Restoring would overwrite an existing collection and `force` was not given.
    case collectionExists(name: String, path: String)
    /// No backup of `collection` under `backupsRoot` verifies.
    case noValidBackup(collection: String, backupsRoot: String)
    /// A file-system or SQLite operation failed.
    case operationFailed(operation: String, path: String, reason: String)

    /// Runs `body`, reporting a failure as ``operationFailed(operation:path:reason:)``.
    static func during<T>(_ operation: String, _ path: String, _ body: () throws -> T) throws(BackupError) -> T {
        do {
            return try body()
        } catch let error as BackupError {
            throw error
        } catch {
            throw .operationFailed(operation: operation, path: path, reason: "\(error)")
        }
    }
}

extension BackupError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .backupNotFound(let path): "no backup at \(path)"
        case .invalidBackup(let path, let problems):
            "backup \(path) is not valid: " + problems.map(\.description).joined(separator: "; ")
        case .collectionExists(let name, let path): "collection \"\(name)\" already exists at \(path) (use force to replace it)"
        case .noValidBackup(let collection, let backupsRoot): "no valid backup of \"\(collection)\" in \(backupsRoot)"
        case .operationFailed(let operation, let path, let reason): "\(operation) \(path) failed: \(reason)"
        }
    }
}
