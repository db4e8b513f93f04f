import Foundation
import GRDB

/// A failure of the storage under a collection rather than of the request: the disk is full,
/// the data folder is read-only, or a file is corrupt. The server answers the first two with
/// 507 and 503; opening a collection falls back from the third.
public enum StorageFault: Sendable, Equatable {
    case full
    case readOnly
    case corrupt

    /// The fault behind `error`, or nil for any other error. Quarry's errors wrap SQLite, FAISS
    /// and file-system errors as text, so their messages are recognised too.
    public static func of(_ error: any Error) -> StorageFault? {
        switch error {
        case let error as DatabaseError:
            switch error.resultCode {
            case .SQLITE_FULL: return .full
            case .SQLITE_READONLY: return .readOnly
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt
            default: break
            }
        case let error as POSIXError:
            switch error.code {
            case .ENOSPC, .EDQUOT: return .full
            case .EROFS: return .readOnly
            default: break
            }
        case let error as CocoaError:
            switch error.code {
            case .fileWriteOutOfSpace: return .full
            case .fileWriteVolumeReadOnly: return .readOnly
            default: break
            }
        default: break
        }
        let message = String(describing: error)
        return messages.first { message.localizedCaseInsensitiveContains($0.text) }?.fault
    }

    /// How SQLite, the C library and FAISS word each fault.
    private static let messages: [(text: String, fault: StorageFault)] = [
        ("No space left on device", .full), ("database or disk is full", .full), ("Disk quota exceeded", .full),
        ("Read-only file system", .readOnly), ("readonly database", .readOnly),
        ("database disk image is malformed", .corrupt), ("file is not a database", .corrupt), ("quick_check", .corrupt),
    ]
}
