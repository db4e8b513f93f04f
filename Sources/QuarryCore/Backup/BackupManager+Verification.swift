import Faiss
import Foundation

extension BackupManager {
    /// Checks the backup in `backupFolder`: every file listed in `backup.json` is present
    /// with its size and SHA-256, the required files are there, `collection.json` decodes,
    /// the store passes `PRAGMA integrity_check`, and the index loads and matches its
    /// manifest. Content problems are returned in the report; throws only when there is no
    /// folder at `backupFolder`.
    public func verify(_ backupFolder: URL) throws(BackupError) -> VerificationReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: backupFolder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .backupNotFound(path: backupFolder.path)
        }
        let manifest: BackupManifest
        do {
            manifest = try BackupManifest.read(from: backupFolder)
        } catch {
            let exists = FileManager.default.fileExists(atPath: backupFolder.appendingPathComponent(BackupManifest.fileName).path)
            let problem: BackupProblem = exists ? .manifestUnreadable(reason: "\(error)") : .manifestMissing
            return VerificationReport(folder: backupFolder, manifest: nil, problems: [problem])
        }

        var problems: [BackupProblem] = []
        var digests: [String: String] = [:]
        for file in manifest.files {
            guard ImageInput.isSafeRelativePath(file.path) else {
                problems.append(.unsafePath(file.path))
                continue
            }
            let url = backupFolder.appendingPathComponent(file.path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                problems.append(.fileMissing(path: file.path))
                continue
            }
            do {
                let size = try BackupFiles.size(of: url)
                if size != file.size { problems.append(.sizeMismatch(path: file.path, expected: file.size, actual: size)) }
                let digest = try FileDigest.sha256(of: url)
                digests[file.path] = digest
                if digest != file.sha256 { problems.append(.checksumMismatch(path: file.path)) }
            } catch {
                problems.append(.fileUnreadable(path: file.path, reason: "\(error)"))
            }
        }
        let listed = Set(manifest.files.map(\.path))
        for required in BackupManifest.requiredFiles where !listed.contains(required) {
            problems.append(.fileMissing(path: required))
        }

        let collection = CollectionFolder(url: backupFolder)
        if digests[collection.configurationURL.lastPathComponent] != nil {
            do { _ = try collection.readConfiguration() } catch { problems.append(.configurationUnreadable(reason: "\(error)")) }
        }
        if digests[collection.storeURL.lastPathComponent] != nil, let failure = StoreSnapshot.integrityFailure(of: collection.storeURL) {
            problems.append(.storeCorrupt(reason: failure))
        }
        let indexURL = collection.indexFiles.index
        if let digest = digests[indexURL.lastPathComponent] {
            do { _ = try Index(contentsOf: indexURL) } catch { problems.append(.indexUnreadable(reason: "\(error)")) }
            let manifestURL = collection.indexFiles.manifest
            if digests[manifestURL.lastPathComponent] != nil {
                do {
                    if try IndexManifest.read(from: manifestURL).sha256 != digest { problems.append(.indexManifestMismatch) }
                } catch {
                    problems.append(.indexManifestUnreadable(reason: "\(error)"))
                }
            }
        }
        return VerificationReport(folder: backupFolder, manifest: manifest, problems: problems)
    }
}
