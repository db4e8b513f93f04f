import Embeddings
import Faiss
import Synchronization

/// The stored images whose fingerprints look most like a query's: a second source of near-tie
/// candidates beside the embedding, for copies it places far from their original (a small
/// drawing shown at half size among hundreds of its variants). An exact inner-product index of
/// each stored fingerprint's ``ImageFingerprint/descriptor()``, derived from the store like the
/// vector index: it catches up with the store's fingerprints whenever the collection's index
/// has changed. The count was chosen on openclipart picks kept apart from those reported
/// (`benchmarks/images/fingerprint_candidates_study.py`, docs/benchmarks.md).
final class FingerprintNeighbours: Sendable {
    /// Stored images a search with a fingerprint adds to its near-tie candidates.
    static let count = 20
    /// Fingerprints read from the store per batch while catching up.
    static let catchUpBatch = 1_024

    private let index: Faiss.Index
    /// The collection index's generation the descriptors were last brought in line at.
    private let syncedGeneration = Mutex<Int?>(nil)

    init() throws {
        index = try Faiss.Index(dimension: ImageFingerprint.descriptorDimension, factory: "Flat", metric: .innerProduct)
    }

    /// The ids of the ``count`` stored images whose descriptors are nearest `query`'s, best
    /// first, after catching up with `store` if the collection's index changed since `generation`
    /// was last seen.
    func nearest(to query: ImageFingerprint, store: ImageStore, generation: Int) throws -> [Int64] {
        try catchUp(with: store, generation: generation)
        guard index.count > 0 else { return [] }
        return try index.search(query.descriptor(), k: min(Self.count, index.count)).map(\.id)
    }

    /// Adds the descriptors of stored fingerprints the index lacks and removes those of images
    /// no longer stored; nothing when `generation` is the one last caught up with.
    func catchUp(with store: ImageStore, generation: Int) throws {
        try syncedGeneration.withLock { synced in
            guard synced != generation else { return }
            let indexed = Set(try index.ids())
            let stored = try store.fingerprintedIDs()
            let gone = indexed.subtracting(stored)
            if !gone.isEmpty { _ = try index.remove(ids: Array(gone)) }
            let missing = stored.filter { !indexed.contains($0) }
            for start in stride(from: 0, to: missing.count, by: Self.catchUpBatch) {
                let fingerprints = try store.fingerprints(ids: Array(missing[start..<min(start + Self.catchUpBatch, missing.count)]))
                var ids: [Int64] = []
                var descriptors: [Float] = []
                for (id, fingerprint) in fingerprints {
                    ids.append(id)
                    descriptors += try fingerprint.descriptor()
                }
                if !ids.isEmpty { try index.add(vectors: descriptors, ids: ids) }
            }
            synced = generation
        }
    }
}
