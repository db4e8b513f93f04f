import Embeddings
import Foundation
import Logging
import Testing

@testable import QuarryCore

@Suite struct ImageCollectionTests {
    let folder: TemporaryFolder
    let collection: ImageCollection

    init() throws {
        folder = try TemporaryFolder()
        collection = try ImageCollection.create(
            name: "products", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", logger: Logger(label: "test")
        )
    }

    func inputs(_ seeds: Range<UInt64>, category: (UInt64) -> String = { $0 % 2 == 0 ? "even" : "odd" }) throws -> [ImageInput] {
        try seeds.map { seed in
            ImageInput(
                path: "items/\(seed).png", data: try TestImages.png(seed: seed), category: category(seed),
                price: Double(seed) * 10, title: "item \(seed)", metadata: ["seed": .number(Double(seed))]
            )
        }
    }

    @Test func addedImagesAreStoredIndexedAndFoundFirst() throws {
        defer { folder.remove() }
        let result = try collection.add(inputs(0..<12))
        #expect(result.storedCount == 12)
        #expect(collection.index.count == 12)
        #expect(try collection.store.imageCount() == 12)
        let query = try collection.queryVector(imageData: TestImages.png(seed: 5))
        let hits = try collection.search(ImageSearchRequest(vector: query, topK: 3)).hits
        #expect(hits.first?.image.title == "item 5")
        #expect(hits.first?.image.category == "odd")
        #expect(hits.first?.image.price == 50)
        #expect(hits.first?.image.metadata["seed"] == .number(5))
        #expect(abs((hits.first?.score ?? 0) - 1) < 1e-3)
        let stored = try #require(hits.first?.image)
        #expect(collection.mediaFile(for: stored).map { FileManager.default.fileExists(atPath: $0.path) } == true)
        #expect(FileManager.default.fileExists(atPath: collection.thumbnailFile(for: stored).path))
    }

    @Test func theBytesOfAStoredFileAreSearchedWithItsStoredVector() throws {
        defer { folder.remove() }
        let id = try #require(try collection.add(inputs(0..<6)).storedIDs.first)
        let stored = try #require(try collection.store.vector(id: id))
        let bytes = try TestImages.png(seed: 0)
        #expect(try collection.queryVector(imageData: bytes) == stored)
        let hit = try #require(try collection.search(ImageSearchRequest(vector: collection.queryVector(imageData: bytes), topK: 1)).hits.first)
        #expect(hit.image.id == id && abs(hit.score - 1) < 1e-6)
        // Other bytes are embedded as they are: the whole image, no centre crop.
        let unstored = try TestImages.png(seed: 99)
        #expect(try collection.queryVector(imageData: unstored) == GridColorEncoder().embed(TestImages.picture(seed: 99)))
    }

    @Test func storedVectorsAverageTheImageAndItsCentreCrop() throws {
        defer { folder.remove() }
        let image = TestImages.picture(seed: 3)
        let whole = try GridColorEncoder().embed(image)
        let stored = try collection.storedEmbeddings(of: [image])[0]
        let crop = try GridColorEncoder().embed(image.cropped(x: 1, y: 1, width: 29, height: 29))
        let expected = zip(whole, crop).map { $0 + $1 }
        let norm = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for (value, wanted) in zip(stored, expected) { #expect(abs(value - wanted / norm) < 1e-5) }
    }

    @Test func unchangedImagesAreSkippedAndChangedOnesReplaced() throws {
        defer { folder.remove() }
        _ = try collection.add(inputs(0..<4))
        let again = try collection.add(inputs(0..<4))
        #expect(again.unchangedCount == 4 && again.storedCount == 0)
        var changed = try inputs(1..<2)
        changed[0].data = try TestImages.png(seed: 99)
        let replaced = try collection.add(changed)
        #expect(replaced.storedCount == 1)
        #expect(replaced.replacedIDs.count == 1)
        #expect(collection.index.count == 4)
        #expect(try collection.store.image(id: replaced.replacedIDs[0]) == nil)
    }

    @Test func unusableImagesFailAloneAndUnsafePathsAreRefused() throws {
        defer { folder.remove() }
        var batch = try inputs(0..<3)
        batch[1].data = Data("not an image".utf8)
        batch.append(ImageInput(path: "../outside.png", data: try TestImages.png(seed: 7)))
        batch.append(ImageInput(path: "a//b.png", data: try TestImages.png(seed: 8)))
        let result = try collection.add(batch)
        #expect(result.storedCount == 2)
        #expect(result.failures.count == 3)
        #expect(result.failures[0].contains("items/1.png"))
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("products/outside.png").path))
        #expect(collection.index.count == 2)
    }

    @Test func filtersAndMoreLikeThis() throws {
        defer { folder.remove() }
        _ = try collection.add(inputs(0..<20))
        let query = try collection.queryVector(imageData: TestImages.png(seed: 4))
        let odd = try collection.search(ImageSearchRequest(vector: query, topK: 5, filter: ImageFilter(category: "odd"))).hits
        #expect(odd.count == 5 && odd.allSatisfy { $0.image.category == "odd" })
        let cheap = try collection.search(ImageSearchRequest(vector: query, topK: 50, filter: ImageFilter(priceMin: 30, priceMax: 60))).hits
        #expect(Set(cheap.map(\.image.price)) == [30, 40, 50, 60])
        let id = try #require(collection.search(ImageSearchRequest(vector: query, topK: 1)).hits.first?.image.id)
        let similar = try #require(try collection.similar(to: id, topK: 3))
        #expect(similar.hits.count == 3 && !similar.hits.contains { $0.image.id == id })
        #expect(try collection.similar(to: 9_999, topK: 3) == nil)
    }

    @Test func growingPastTheFlatLimitMovesToATrainedIVFIndex() throws {
        defer { folder.remove() }
        _ = try collection.add(inputs(0..<200))
        #expect(collection.index.factory == "Flat")
        let factory = try collection.adaptIndexType(flatLimit: 100)
        #expect(factory == "IVF5,Flat")  // 4·√200 ≈ 57 lists, capped at 200 / 39 = 5
        #expect(collection.configuration.factory == "IVF5,Flat")
        #expect(collection.nlist == 5 && collection.index.count == 200)
        #expect(try collection.adaptIndexType(flatLimit: 100) == nil)
        let query = try collection.queryVector(imageData: TestImages.png(seed: 42))
        let result = try collection.search(ImageSearchRequest(vector: query, topK: 1, nprobe: 5))
        #expect(result.nprobe == 5 && result.hits.first?.image.title == "item 42")
        #expect(try collection.search(ImageSearchRequest(vector: query, topK: 1)).nprobe == ImageCollection.fallbackNprobe(nlist: 5))
        // New images go straight into the trained index.
        _ = try collection.add(inputs(200..<210))
        #expect(collection.index.count == 210)
        // The index type survives reopening; the 10 images added since the last checkpoint are replayed from the store.
        let reopened = try ImageCollection.open(folder: collection.folder, encoder: GridColorEncoder(), logger: Logger(label: "test"))
        #expect(reopened.index.factory == "IVF5,Flat" && reopened.index.count == 210)
        #expect(reopened.recovery.replayed == 10 && !reopened.recovery.rebuilt)
    }

    @Test func reindexBuildsTheNamedTypeAndSearchesKeepWorking() throws {
        defer { folder.remove() }
        _ = try collection.add(inputs(0..<120))
        let query = try collection.queryVector(imageData: TestImages.png(seed: 77))
        let before = try collection.search(ImageSearchRequest(vector: query, topK: 5)).hits.map(\.image.id)
        #expect(try collection.reindex(factory: "HNSW16,Flat") == "HNSW16,Flat")
        #expect(collection.configuration.factory == "HNSW16,Flat" && collection.configuration.automaticFactory == false)
        #expect(collection.index.count == 120)
        #expect(try collection.search(ImageSearchRequest(vector: query, topK: 5)).hits.map(\.image.id) == before)
        #expect {
            try collection.reindex(factory: "NoSuchIndex")
        } throws: { error in
            guard case CollectionError.invalidFactory("NoSuchIndex", _) = error else { return false }
            return true
        }
        #expect(collection.configuration.factory == "HNSW16,Flat")
        let reopened = try ImageCollection.open(folder: collection.folder, encoder: GridColorEncoder(), logger: Logger(label: "test"))
        #expect(reopened.index.factory == "HNSW16,Flat" && !reopened.recovery.changedIndex)
    }

    @Test func anIVFIndexThatGrewHalfAgainIsRetrained() throws {
        defer { folder.remove() }
        _ = try collection.add(inputs(0..<200))
        try collection.reindex(factory: "IVF5,Flat")
        #expect(collection.configuration.trainedVectors == 200)
        let policy = DriftPolicy(maximumGrowth: 0.5, maximumImbalance: 100)
        _ = try collection.add(inputs(200..<300))
        #expect(collection.drift(under: policy) == nil)
        _ = try collection.add(inputs(300..<301))
        #expect(collection.drift(under: policy) == .grown(trainedOn: 200, now: 301))
        #expect(try collection.retrainIfDrifted(under: policy) == .grown(trainedOn: 200, now: 301))
        #expect(collection.configuration.trainedVectors == 301 && collection.index.count == 301)
        #expect(collection.index.factory == "IVF5,Flat")
        #expect(collection.drift(under: policy) == nil)
        #expect(collection.drift(under: DriftPolicy(maximumGrowth: 0.5, maximumImbalance: 1)) != nil)
    }

    @Test func mergeCopiesImagesFilesAndVectorsWithoutEmbedding() throws {
        defer { folder.remove() }
        _ = try collection.add(inputs(0..<10))
        let other = try ImageCollection.create(
            name: "more", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", logger: Logger(label: "test")
        )
        _ = try other.add(inputs(5..<15))
        #expect(try collection.merge(from: other) == 5)
        #expect(try collection.index.count == 15 && collection.store.imageCount() == 15)
        let query = try collection.queryVector(imageData: TestImages.png(seed: 12))
        let hit = try #require(try collection.search(ImageSearchRequest(vector: query, topK: 1)).hits.first)
        #expect(hit.image.title == "item 12" && hit.image.price == 120)
        #expect(collection.mediaFile(for: hit.image).map { FileManager.default.fileExists(atPath: $0.path) } == true)
        #expect(FileManager.default.fileExists(atPath: collection.thumbnailFile(for: hit.image).path))
        #expect(try collection.merge(from: other) == 0)
        let foreign = try ImageCollection.create(
            name: "foreign", in: folder.url, encoder: GridColorEncoder(), model: "other-model", logger: Logger(label: "test")
        )
        #expect(throws: CollectionError.self) { try collection.merge(from: foreign) }
    }

    @Test func imagesEmbeddedHereAreSavedElsewhereUnderTheirOwnIds() throws {
        defer { folder.remove() }
        // What a cluster node does with an upload: embed without storing, then every node saves it.
        let (result, embedded) = try collection.embedded(inputs(0..<4) + [ImageInput(path: "broken.png", data: Data("no image".utf8))])
        #expect(embedded.map(\.offset) == [0, 1, 2, 3] && result.failures.count == 1)
        #expect(collection.index.count == 0)
        let replica = try ImageCollection.create(
            name: "replica", in: folder.url, encoder: GridColorEncoder(), model: "grid-color", logger: Logger(label: "test"))
        let withIDs = embedded.enumerated().map { offset, item in
            var image = item.image
            image.image.id = 1_000 + Int64(offset)
            return image
        }
        let saved = try replica.save(withIDs)
        #expect(saved.storedIDs == [1_000, 1_001, 1_002, 1_003])
        #expect(try replica.save(withIDs).storedCount == 0)
        // Exported again, they carry the same files, rows and vectors.
        let exported = try replica.embeddedImages(ids: [1_003, 1_001, 42])
        #expect(exported.map(\.image.path) == ["items/1.png", "items/3.png"])
        #expect(exported.map(\.data) == [withIDs[1].data, withIDs[3].data])
        #expect(exported.map(\.image.vector) == [withIDs[1].image.vector, withIDs[3].image.vector])
        let stored = try #require(try replica.image(id: 1_002))
        #expect(stored.title == "item 2" && stored.price == 20)
        #expect(FileManager.default.fileExists(atPath: replica.thumbnailFile(for: stored).path))
        // A node that may be behind the cluster embeds what it holds already too: the cluster decides.
        #expect(try replica.embedded(inputs(0..<2)).images.count == 2)
        // An image this node cannot decode is stored without a thumbnail; an unsafe path fails.
        var undecodable = withIDs[0]
        undecodable.image.path = "items/undecodable.png"
        undecodable.image.id = 2_000
        undecodable.data = Data("not an image this node can decode".utf8)
        undecodable.image.contentHash = ContentHash.sha256(undecodable.data)
        var unsafe = undecodable
        unsafe.image.path = "../outside.png"
        unsafe.image.id = 2_001
        let saved2 = try replica.save([undecodable, unsafe])
        #expect(saved2.storedIDs == [2_000] && saved2.failures.count == 1)
        let stored2 = try #require(try replica.image(id: 2_000))
        #expect(!FileManager.default.fileExists(atPath: replica.thumbnailFile(for: stored2).path))
    }

    @Test func deletedImagesLeaveStoreAndIndex() throws {
        defer { folder.remove() }
        let result = try collection.add(inputs(0..<5))
        let ids = result.outcomes.compactMap { if case .stored(let id) = $0 { id } else { nil } }
        #expect(try collection.delete(ids: [ids[0], ids[1], 12_345]) == [ids[0], ids[1]])
        #expect(collection.index.count == 3)
        #expect(try collection.store.imageCount() == 3)
    }

    /// Every regular file under `folder`, relative to it, sorted.
    func files(under folder: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        var found: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                found.append(path)
            }
        }
        return found.sorted()
    }

    /// Issue #14: deleting an image left its original and its thumbnail on disk.
    @Test func deletingAnImageRemovesItsFileAndAnUnsharedThumbnail() throws {
        defer { folder.remove() }
        var batch = try inputs(0..<4)
        // Same picture at another path: the two share one thumbnail.
        batch.append(ImageInput(path: "copies/0.png", data: batch[0].data, title: "copy of item 0"))
        let ids = try collection.add(batch).outcomes.compactMap { if case .stored(let id) = $0 { id } else { nil } }
        #expect(files(under: collection.folder.mediaURL).count == 5)
        #expect(files(under: collection.folder.thumbnailsURL).count == 4)

        try collection.delete(ids: [ids[0], ids[1]])
        #expect(files(under: collection.folder.mediaURL) == ["copies/0.png", "items/2.png", "items/3.png"])
        // Item 0's thumbnail stays for its copy; item 1's goes.
        #expect(files(under: collection.folder.thumbnailsURL).count == 3)
        let copy = try #require(try collection.store.image(id: ids[4]))
        #expect(FileManager.default.fileExists(atPath: collection.thumbnailFile(for: copy).path))

        // Replaced content: the old thumbnail goes, the file holds the new content.
        let replacement = try TestImages.png(seed: 99)
        _ = try collection.add([ImageInput(path: "items/2.png", data: replacement)])
        #expect(files(under: collection.folder.thumbnailsURL).count == 3)
        #expect(try Data(contentsOf: collection.folder.mediaURL.appendingPathComponent("items/2.png")) == replacement)
    }

    /// Files of a write or delete that a crash interrupted are removed when the collection opens again.
    @Test func filesNoStoredImageUsesAreRemovedOnOpen() throws {
        defer { folder.remove() }
        _ = try collection.add(inputs(0..<3))
        let stray = [
            collection.folder.mediaURL.appendingPathComponent("items/.9.png.tmp-1-2"),
            collection.folder.mediaURL.appendingPathComponent("crashed/7.png"),
            collection.folder.thumbnailsURL.appendingPathComponent(String(repeating: "ab", count: 32) + ".jpg"),
        ]
        for file in stray {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("stray".utf8).write(to: file)
        }
        let reopened = try ImageCollection.open(folder: collection.folder, encoder: GridColorEncoder(), logger: Logger(label: "test"))
        #expect(files(under: reopened.folder.mediaURL) == ["items/0.png", "items/1.png", "items/2.png"])
        #expect(files(under: reopened.folder.thumbnailsURL).count == 3)
    }

    @Test func aStoredPathOutsideTheMediaFolderIsNeverServed() throws {
        defer { folder.remove() }
        let escaping = StoredImage(
            id: 1, path: "../store.sqlite", category: "", price: nil, title: "", metadata: [:], width: 1, height: 1, contentHash: "x"
        )
        #expect(collection.mediaFile(for: escaping) == nil)
        try FileManager.default.createSymbolicLink(
            at: collection.folder.mediaURL.appendingPathComponent("link.png"), withDestinationURL: collection.folder.storeURL
        )
        let linked = StoredImage(
            id: 2, path: "link.png", category: "", price: nil, title: "", metadata: [:], width: 1, height: 1, contentHash: "y"
        )
        #expect(collection.mediaFile(for: linked) == nil)
    }

    @Test func nlistFollowsTheCollectionSize() {
        #expect(ImageCollection.nlist(forCount: 10_000) == 256)
        #expect(ImageCollection.nlist(forCount: 70_000) == 1_058)
        #expect(ImageCollection.nlist(forCount: 1_000_000) == 4_000)
        #expect(ImageCollection.defaultFactory(forCount: 9_999) == "Flat")
        #expect(ImageCollection.defaultFactory(forCount: 70_000) == "IVF1058,Flat")
    }
}
