import Foundation

/// A backup just written by ``BackupManager/backup(_:to:)``.
public struct BackupInfo: Sendable, Equatable {
    /// The backup folder, `<backupsRoot>/<collection>/<UTC timestamp>/`.
    public var folder: URL
    public var manifest: BackupManifest
    /// The live index kept changing (or did not match its manifest) while it was
    /// copied, so the backup holds an index rebuilt from the backed-up store instead.
    public var indexRebuilt: Bool

    public init(folder: URL, manifest: BackupManifest, indexRebuilt: Bool) {
        self.folder = folder
        self.manifest = manifest
        self.indexRebuilt = indexRebuilt
    }
}
