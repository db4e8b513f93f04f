import Foundation

/// What ``BackupManager/verify(_:)`` found in one backup folder.
public struct VerificationReport: Sendable, Equatable {
    public var folder: URL
    /// The backup's manifest, nil when it is missing or unreadable.
    public var manifest: BackupManifest?
    /// Everything wrong with the backup; empty when it is valid.
    public var problems: [BackupProblem]

    public init(folder: URL, manifest: BackupManifest?, problems: [BackupProblem]) {
        self.folder = folder
        self.manifest = manifest
        self.problems = problems
    }

    /// Whether the backup is complete and every check passed.
    public var isValid: Bool { manifest != nil && problems.isEmpty }
}
