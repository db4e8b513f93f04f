import Foundation
import Logging
import Testing

@testable import QuarryCore

/// Creating and deleting collections and aliases through the library (issue #18).
@Suite struct CollectionLibraryManagementTests {
    func library(_ folder: TemporaryFolder) throws -> CollectionLibrary {
        try CollectionLibrary(dataDirectory: folder.url, modelsDirectory: TestModels.modelsDirectory, logger: Logger(label: "test"))
    }

    @Test func aliasesOutliveTheLibraryAndResolveEveryLookup() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do {
            let library = try library(folder)
            #expect(try library.create("course-a", as: .init(kind: .text, model: "e5-small")))
            #expect(try !library.create("course-a", as: .init(kind: .text, model: "e5-small")))
            #expect(try library.create("photos", as: .init(kind: .image, model: "efficientnet-lite0", factory: "Flat")))
            #expect(try library.setAlias("course", to: "course-a") == nil)
            #expect(try library.setAlias("pictures", to: "photos") == nil)
        }
        let library = try library(folder)
        #expect(library.aliasTargets == ["course": "course-a", "pictures": "photos"])
        #expect(library.textCollection(named: "course")?.name == "course-a")
        #expect(library.imageCollection(named: "pictures")?.name == "photos")
        #expect(library.collection(named: "pictures")?.name == "photos")
        #expect(throws: CollectionError.aliased(name: "photos", aliases: ["pictures"])) { try library.deleteCollection(named: "photos") }
        #expect(try library.removeAlias("pictures") == "photos")
        #expect(try library.deleteCollection(named: "photos"))
        #expect(library.collection(named: "photos") == nil)
        #expect(!FileManager.default.fileExists(atPath: CollectionFolder(dataDirectory: folder.url, name: "photos").url.path))
        #expect(try library.removeAlias("pictures") == nil)
    }

    @Test func aCollectionThatCannotOpenCanBeDeletedButNotReplaced() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try library(folder).textCollection(creating: "broken", model: "e5-small").checkpoint()
        let store = CollectionFolder(dataDirectory: folder.url, name: "broken").storeURL
        try Data(repeating: 0x5A, count: 4_096).write(to: store)
        let library = try library(folder)
        #expect(library.unavailableCollection(named: "broken") != nil)
        #expect(throws: CollectionError.alreadyExists("broken")) { try library.create("broken", as: .init(kind: .text, model: "e5-small")) }
        #expect(try library.deleteCollection(named: "broken"))
        #expect(library.unavailableCollection(named: "broken") == nil)
        #expect(try library.create("broken", as: .init(kind: .text, model: "e5-small")))
        #expect(try library.textCollection(named: "broken")?.store.passageCount() == 0)
    }

    /// A collection object a request took before the collection was deleted (and created again)
    /// refuses every later write as not found, and writes nothing into the new collection's folder.
    /// Before the fix a reindex on it answered 500 (found by the API fuzz test) or overwrote the new
    /// collection's index.
    @Test func aCollectionHeldAcrossItsDeletionRefusesWritesAndLeavesItsSuccessorAlone() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let library = try library(folder)
        try library.create("course", as: .init(kind: .text, model: "e5-small", factory: "Flat"))
        let old = try #require(library.textCollection(named: "course"))
        try old.add(CollectionLibraryTests.document("old.md", passages: 3))
        #expect(try library.deleteCollection(named: "course"))
        try library.create("course", as: .init(kind: .text, model: "e5-small", factory: "Flat"))
        let successor = try #require(library.textCollection(named: "course"))
        try successor.checkpoint()
        let indexFile = successor.folder.url.appendingPathComponent("index.faiss")
        let before = try Data(contentsOf: indexFile)

        #expect(throws: CollectionError.notFound("course")) { try old.reindex(factory: "HNSW16,Flat") }
        #expect(throws: CollectionError.notFound("course")) { try old.add(CollectionLibraryTests.document("late.md", passages: 2)) }
        #expect(throws: CollectionError.notFound("course")) { try old.checkpoint() }
        #expect(throws: CollectionError.notFound("course")) { try old.updateConfiguration { $0.factory = "HNSW16,Flat" } }
        #expect(try Data(contentsOf: indexFile) == before)
        #expect(successor.configuration.factory == "Flat")
        #expect(try successor.store.passageCount() == 0)
        #expect(try library.checkpointChanged().isEmpty)
    }
}
