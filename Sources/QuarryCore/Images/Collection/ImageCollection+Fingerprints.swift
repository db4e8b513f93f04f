import Embeddings
import Foundation

extension ImageCollection {
    /// Gives a fingerprint to each stored image without one (stored before fingerprints
    /// existed, or by a node that could not decode it), made from its thumbnail, else from its
    /// file; an image neither decodes stays without. Returns how many were filled in. A store
    /// that cannot be written (a read-only folder) is logged and left as it is.
    @discardableResult
    func fillMissingFingerprints(batchSize: Int = 256) -> Int {
        var filled = 0
        var lastID: Int64 = 0
        do {
            while true {
                let batch = try store.unfingerprinted(after: lastID, limit: batchSize)
                guard let last = batch.last else { break }
                lastID = last.id
                var fingerprints: [Int64: ImageFingerprint] = [:]
                for image in batch { fingerprints[image.id] = fingerprint(ofStored: image) }
                try store.setFingerprints(fingerprints)
                filled += fingerprints.count
            }
        } catch {
            logger.warning("cannot fill in image fingerprints", metadata: ["error": "\(error)"])
        }
        if filled > 0 { logger.notice("filled in image fingerprints", metadata: ["images": "\(filled)"]) }
        return filled
    }

    private func fingerprint(ofStored image: ImageStore.UnfingerprintedImage) -> ImageFingerprint? {
        let media = Self.contained(folder.mediaURL.appendingPathComponent(image.path), in: folder.mediaURL)
        for file in [folder.thumbnailURL(contentHash: image.contentHash), media].compactMap({ $0 }) {
            if let decoded = try? decoder.decode(contentsOf: file), let fingerprint = try? ImageFingerprint(of: decoded) { return fingerprint }
        }
        return nil
    }
}
