import Embeddings
import Faiss
import Foundation
import Logging
import Testing

@testable import QuarryCore

/// Model-based randomised testing: long seeded sequences of writes, reindexes, checkpoints and
/// reopenings against a text and an image collection, each checked after every step against a
/// plain in-memory model of what was acknowledged.
///
/// `make test` runs ``defaultOperations`` in all; a soak sets `QUARRY_MODEL_OPERATIONS`
/// (and `QUARRY_MODEL_SEED` to replay a failure):
///
///     QUARRY_MODEL_OPERATIONS=200000 swift test -c release -Xswiftc -enable-testing --filter CollectionModelTests
@Suite struct CollectionModelTests {
    static let defaultOperations = 10_000
    static let logger = Logger(label: "model-test")

    static var operations: Int {
        ProcessInfo.processInfo.environment["QUARRY_MODEL_OPERATIONS"].flatMap(Int.init) ?? defaultOperations
    }

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["QUARRY_MODEL_SEED"].flatMap(UInt64.init) ?? 20_261_205
    }

    /// Index types the sequences move between; each needs at most as many vectors as a model holds.
    static let textFactories = ["Flat", "HNSW8,Flat", "IVF4,Flat", "IVF2,PQ4x4,RFlat"]
    static let imageFactories = ["Flat", "HNSW8,Flat", "IVF2,Flat", "IVF2,PQ8x4,RFlat"]

    @Test func textCollectionsMatchTheirModel() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var run = try TextRun(folder: folder, seed: Self.seed)
        try run.execute(Self.operations * 6 / 10)
    }

    @Test func imageCollectionsMatchTheirModel() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var run = try ImageRun(folder: folder, seed: Self.seed &+ 1)
        try run.execute(Self.operations * 4 / 10)
    }
}

/// A deterministic stand-in for the text model: equal texts give equal unit vectors.
struct HashingTextEncoder: TextEncoder {
    var name: String { "hashing-16" }
    var dimension: Int { 16 }
    var maxTokens: Int { 512 }
    var prefixes: TextPrefixes { TextPrefixes(query: "", passage: "") }
    var longInputPolicy: LongInputPolicy { .truncate }

    func embed(_ texts: [String], role: TextRole) throws -> EmbeddingMatrix {
        EmbeddingMatrix(storage: texts.flatMap(Self.vector), dimension: dimension)
    }

    func tokenCount(_ text: String, role: TextRole) -> Int { text.unicodeScalars.count }

    static func vector(_ text: String) -> [Float] {
        // FNV-1a, stable across runs (unlike `hashValue`).
        let hash = text.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        var generator = SplitMix64(seed: hash)
        let raw = (0..<16).map { _ in Float(Int(generator.next() % 2_001) - 1_000) }
        let norm = max(raw.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1)
        return raw.map { $0 / norm }
    }
}

/// A seeded sequence of random operations on a collection and on its model.
protocol ModelRun {
    var seed: UInt64 { get }
    /// Runs one random operation on the collection and the model; returns what it did.
    mutating func apply() throws -> String
    /// Throws ``ModelViolation`` unless the collection agrees with the model.
    func check() throws
}

extension ModelRun {
    /// Runs `steps` operations, checking after each.
    mutating func execute(_ steps: Int) throws {
        for step in 0..<steps {
            let operation = try apply()
            do {
                try check()
            } catch let violation as ModelViolation {
                throw ModelViolation(description: "seed \(seed), step \(step), after \(operation): \(violation)")
            }
        }
    }
}

/// Fails the test with the step, seed and operation that broke an invariant.
struct ModelViolation: Error, CustomStringConvertible {
    let description: String
}

/// The id of `id` is found by its own stored vector at rank 1 in `index` (ties allowed: another
/// id may come first only with the same score).
func checkFoundByItsOwnVector(_ id: Int64, vector: [Float], in index: Faiss.Index, context: String) throws {
    let neighbours = try index.search(
        vector, k: max(index.count, 1), parameters: SearchParameters(nprobe: index.nlist, efSearch: index.isHNSW ? 64 : nil)
    )
    guard let best = neighbours.first?.distance,
        let own = neighbours.first(where: { $0.id == id }), abs(own.distance - best) <= 1e-4
    else {
        throw ModelViolation(description: "\(context): item \(id) is not found first by its own vector (\(neighbours.prefix(3)))")
    }
}

// MARK: - Text

/// One seeded sequence against a text collection.
struct TextRun: ModelRun {
    let folder: TemporaryFolder
    var random: SplitMix64
    let seed: UInt64
    var collection: TextCollection
    /// Source → passage texts, as acknowledged (each text once per document).
    var model: [String: [String]] = [:]
    /// Source → content hash, as acknowledged.
    var hashes: [String: String] = [:]

    static let sources = (0..<8).map { "doc-\($0).md" }
    /// Passage texts: random words, so that no two are near-duplicates of each other.
    let texts: [String]

    init(folder: TemporaryFolder, seed: UInt64) throws {
        self.folder = folder
        self.seed = seed
        random = SplitMix64(seed: seed)
        var words = SplitMix64(seed: seed ^ 0x5EED)
        texts = (0..<24).map { number in
            "段落 \(number): " + (0..<8).map { _ in String(format: "w%04llu", words.next() % 10_000) }.joined(separator: " ")
        }
        collection = try TextCollection.create(
            name: "model", in: folder.url, encoder: HashingTextEncoder(), factory: "Flat", logger: CollectionModelTests.logger
        )
    }

    mutating func apply() throws -> String {
        let roll = random.next() % 100
        let source = Self.sources[Int(random.next() % UInt64(Self.sources.count))]
        switch roll {
        case 0..<45:
            let count = 1 + Int(random.next() % 4)
            let passages = (0..<count).map { _ in texts[Int(random.next() % UInt64(texts.count))] }
            let hash = passages.joined(separator: "\u{1F}")
            let change = try collection.add(
                TextDocument(
                    source: source, contentHash: hash, passages: passages.map { .init(text: $0, chapter: "") }
                ))
            if (change == nil) != (hashes[source] == hash) {
                throw ModelViolation(description: "re-adding \(source) gave \(String(describing: change))")
            }
            var unique: [String] = []
            for text in passages where !unique.contains(text) { unique.append(text) }
            model[source] = unique
            hashes[source] = hash
            return "add \(source) with \(count) passages"
        case 45..<60:
            let removed = try collection.deleteDocument(source: source)
            if removed != (model[source]?.count ?? 0) {
                throw ModelViolation(description: "deleting \(source) removed \(removed) passages, the model has \(model[source]?.count ?? 0)")
            }
            model[source] = nil
            hashes[source] = nil
            return "delete \(source)"
        case 60..<70:
            let ids = try collection.store.allIDs()
            guard !ids.isEmpty else { return "delete a passage of none" }
            let id = ids[Int(random.next() % UInt64(ids.count))]
            let passage = try #require(try collection.store.passages(ids: [id])[id])
            _ = try collection.deletePassages(ids: [id])
            model[passage.source]?.removeAll { $0 == passage.text }
            // The document no longer matches its content: re-adding it stores it again.
            hashes[passage.source] = model[passage.source]?.isEmpty == true ? nil : ""
            if model[passage.source]?.isEmpty == true { model[passage.source] = nil }
            return "delete passage \(id) of \(passage.source)"
        case 70..<80:
            let factory = CollectionModelTests.textFactories[Int(random.next() % UInt64(CollectionModelTests.textFactories.count))]
            let count = model.values.map(\.count).reduce(0, +)
            let needed = try IndexFactory.minimumTrainingVectors(factory, dimension: collection.index.current.dimension)
            do {
                try collection.reindex(factory: factory)
                if count < needed { throw ModelViolation(description: "reindex to \(factory) with \(count) vectors was not refused") }
            } catch CollectionError.tooFewVectorsToTrain {
                if count >= needed { throw ModelViolation(description: "reindex to \(factory) with \(count) vectors was refused") }
            }
            return "reindex to \(factory)"
        case 80..<90:
            try collection.checkpoint()
            return "checkpoint"
        default:
            collection = try TextCollection.open(
                folder: collection.folder, encoder: HashingTextEncoder(), logger: CollectionModelTests.logger
            )
            return "close and reopen"
        }
    }

    func check() throws {
        let expectedCount = model.values.map(\.count).reduce(0, +)
        let ids = try collection.store.allIDs()
        let indexIDs = try collection.index.current.ids()
        guard ids.count == expectedCount, collection.index.count == expectedCount else {
            throw ModelViolation(description: "store \(ids.count), index \(collection.index.count), model \(expectedCount) passages")
        }
        guard Set(indexIDs) == Set(ids) else {
            throw ModelViolation(description: "index ids \(indexIDs.sorted()) are not the store's \(ids)")
        }
        let stored = try collection.store.passages(ids: ids)
        var bySource: [String: [String]] = [:]
        for (id, passage) in stored {
            bySource[passage.source, default: []].append(passage.text)
            let vector = try #require(try collection.store.vectors.vector(id: id))
            try checkFoundByItsOwnVector(id, vector: vector, in: collection.index.current, context: "text")
        }
        guard bySource.mapValues({ $0.sorted() }) == model.filter({ !$0.value.isEmpty }).mapValues({ $0.sorted() }) else {
            throw ModelViolation(description: "stored passages \(bySource) differ from the model \(model)")
        }
        for source in Self.sources {
            let hits = try collection.search(
                TextSearchRequest(
                    query: texts[0], topK: 50, mode: .vector, filter: PassageFilter(source: source)
                )
            ).hits
            guard hits.map(\.passage.text).sorted() == (model[source] ?? []).sorted() else {
                throw ModelViolation(description: "filter source=\(source) found \(hits.map(\.passage.text)), the model has \(model[source] ?? [])")
            }
        }
    }
}

// MARK: - Images

/// One seeded sequence against an image collection.
struct ImageRun: ModelRun {
    let folder: TemporaryFolder
    var random: SplitMix64
    let seed: UInt64
    var collection: ImageCollection
    /// Path → (picture seed, category), as acknowledged.
    var model: [String: (picture: UInt64, category: String)] = [:]
    /// The PNG of each picture seed; several paths may hold the same picture.
    let pictures: [Data]

    static let paths = (0..<12).map { "shelf-\($0 % 3)/item-\($0).png" }
    static let categories = ["cups", "plates", "bowls"]

    init(folder: TemporaryFolder, seed: UInt64) throws {
        self.folder = folder
        self.seed = seed
        random = SplitMix64(seed: seed)
        pictures = try (0..<10).map { try TestImages.png(seed: seed &+ UInt64($0)) }
        collection = try ImageCollection.create(
            name: "model", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", factory: "Flat",
            logger: CollectionModelTests.logger
        )
    }

    mutating func apply() throws -> String {
        switch random.next() % 100 {
        case 0..<45:
            let count = 1 + Int(random.next() % 3)
            var inputs: [ImageInput] = []
            for _ in 0..<count {
                let path = Self.paths[Int(random.next() % UInt64(Self.paths.count))]
                let picture = random.next() % UInt64(pictures.count)
                let category = Self.categories[Int(random.next() % UInt64(Self.categories.count))]
                inputs.append(ImageInput(path: path, data: pictures[Int(picture)], category: category))
            }
            let result = try collection.add(inputs)
            for (input, outcome) in zip(inputs, result.outcomes) {
                guard let picture = pictures.firstIndex(of: input.data) else { continue }
                switch outcome {
                case .stored: model[input.path] = (UInt64(picture), input.category)
                case .unchanged:
                    // Unchanged content (stored before, or by an earlier input of this batch)
                    // keeps the stored row, category and all.
                    guard model[input.path]?.picture == UInt64(picture) else {
                        throw ModelViolation(description: "\(input.path) reported unchanged, the model holds another picture")
                    }
                case .superseded:
                    guard inputs.last(where: { $0.path == input.path }).map({ $0.data != input.data || $0.category != input.category }) == true else {
                        throw ModelViolation(description: "\(input.path) reported superseded by nothing different")
                    }
                case .failed(let reason): throw ModelViolation(description: "adding \(input.path) failed: \(reason)")
                }
            }
            return "add \(inputs.map(\.path))"
        case 45..<65:
            let ids = try collection.store.allIDs()
            guard !ids.isEmpty else { return "delete none" }
            let chosen = (0..<(1 + Int(random.next() % 2))).map { _ in ids[Int(random.next() % UInt64(ids.count))] }
            let images = try collection.store.images(ids: chosen)
            let removed = try collection.delete(ids: chosen)
            guard Set(removed) == Set(images.keys) else {
                throw ModelViolation(description: "deleting \(chosen) removed \(removed)")
            }
            for image in images.values { model[image.path] = nil }
            return "delete \(chosen)"
        case 65..<75:
            let factory = CollectionModelTests.imageFactories[Int(random.next() % UInt64(CollectionModelTests.imageFactories.count))]
            let needed = try IndexFactory.minimumTrainingVectors(factory, dimension: collection.index.current.dimension)
            do {
                try collection.reindex(factory: factory)
                if model.count < needed { throw ModelViolation(description: "reindex to \(factory) with \(model.count) images was not refused") }
            } catch CollectionError.tooFewVectorsToTrain {
                if model.count >= needed { throw ModelViolation(description: "reindex to \(factory) with \(model.count) images was refused") }
            }
            return "reindex to \(factory)"
        case 75..<87:
            try collection.checkpoint()
            return "checkpoint"
        default:
            collection = try ImageCollection.open(folder: collection.folder, encoder: GridColorEncoder(), logger: CollectionModelTests.logger)
            return "close and reopen"
        }
    }

    func check() throws {
        let ids = try collection.store.allIDs()
        let indexIDs = try collection.index.current.ids()
        guard ids.count == model.count, collection.index.count == model.count, Set(indexIDs) == Set(ids) else {
            throw ModelViolation(
                description:
                    "store \(ids.count), index \(collection.index.count) (ids equal: \(Set(indexIDs) == Set(ids))), model \(model.count) images")
        }
        let images = try collection.store.images(ids: ids)
        for (id, image) in images {
            guard let expected = model[image.path], expected.category == image.category,
                image.contentHash == ContentHash.sha256(pictures[Int(expected.picture)])
            else {
                throw ModelViolation(
                    description: "stored \(image.path) (\(image.category)) is not the model's \(String(describing: model[image.path]))")
            }
            let vector = try #require(try collection.store.vector(id: id))
            try checkFoundByItsOwnVector(id, vector: vector, in: collection.index.current, context: "image")
        }
        for category in Self.categories {
            let query = [Float](repeating: 1 / Float(48).squareRoot(), count: 48)
            let hits = try collection.search(ImageSearchRequest(vector: query, topK: 50, nprobe: 64, filter: ImageFilter(category: category))).hits
            let expected = model.filter { $0.value.category == category }.keys.sorted()
            guard hits.map(\.image.path).sorted() == expected else {
                throw ModelViolation(description: "filter category=\(category) found \(hits.map(\.image.path).sorted()), the model has \(expected)")
            }
        }
        // Files on disk: the media file of every stored image and nothing else; one thumbnail per content.
        let media = Set(
            (FileManager.default.enumerator(atPath: collection.folder.mediaURL.path)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".png") })
        guard media == Set(model.keys) else {
            throw ModelViolation(description: "media files \(media.sorted()) are not the model's \(model.keys.sorted())")
        }
        let thumbnails = (try? FileManager.default.contentsOfDirectory(atPath: collection.folder.thumbnailsURL.path)) ?? []
        guard Set(thumbnails) == Set(images.values.map { $0.contentHash + ".jpg" }) else {
            throw ModelViolation(description: "thumbnails \(thumbnails.count) for \(Set(images.values.map(\.contentHash)).count) contents")
        }
    }
}
