import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import QuarryCore

/// The keyword index (Xapian over ``KeywordTerms``): ranking against a brute-force BM25 on a
/// small fixed corpus of Chinese, English and mixed passages, filters, persistence, and how it
/// catches up with its store after a crash.
@Suite struct KeywordIndexTests {
    static let logger = Logger(label: "test")

    static let corpus: [(chapter: String, text: String)] = [
        ("索引 > IVF", "倒排文件索引先用 k-means 聚类，再只在 nprobe 个最近的簇里检索。"),
        ("索引 > PQ", "乘积量化把向量切分成子向量，每个子向量单独量化，压缩率很高。"),
        ("索引 > HNSW", "HNSW 是分层的可导航小世界图，检索快但内存占用大。"),
        ("Milvus", "Milvus 支持 GPU 索引，也支持标量过滤和分区。"),
        ("Milvus", "Milvus does not support joins; filter with scalar fields instead."),
        ("Faiss", "Faiss is a library for efficient similarity search of dense vectors."),
        ("Faiss", "IndexFlatL2 performs exact search; IndexIVFFlat needs training before add."),
        ("向量数据库", "向量数据库存储向量并支持相似度检索，常用于推荐和问答。"),
        ("咖啡", "一杯咖啡配一段代码。"),
    ]

    static var passages: [NewPassage] {
        corpus.enumerated().map { PassageStoreTests.passage($0.element.text, chapter: $0.element.chapter, seed: $0.offset) }
    }

    /// BM25 as Xapian's `BM25Weight(k1: 1.2, k2: 0, k3: 1, b: 0.75, min_normlen: 0.5)` computes
    /// it for distinct query terms: idf `log(r)` with `r = (N − n + 0.5) / (n + 0.5)`, taken as
    /// `r / 2 + 1` when `r < 2`; lengths in terms, normalised lengths at least 0.5.
    static func bruteForceScores(query: String, documents: [[String]]) -> [Double] {
        let terms = KeywordQuery(query).terms
        let averageLength = Double(documents.map(\.count).reduce(0, +)) / Double(documents.count)
        let documentCount = Double(documents.count)
        return documents.map { document in
            terms.reduce(0.0) { score, term in
                let containing = Double(documents.filter { $0.contains(term) }.count)
                let frequency = Double(document.filter { $0 == term }.count)
                guard frequency > 0 else { return score }
                let ratio = (documentCount - containing + 0.5) / (containing + 0.5)
                let idf = log(ratio < 2 ? ratio / 2 + 1 : ratio)
                let length = max(Double(document.count) / averageLength, 0.5)
                let k1 = KeywordIndex.k1
                let b = KeywordIndex.b
                return score + idf * frequency * (k1 + 1) / (frequency + k1 * (1 - b + b * length))
            }
        }
    }

    /// A store holding the corpus, and the keyword index opened beside it.
    static func indexedCorpus(in folder: TemporaryFolder) throws -> (PassageStore, KeywordIndex, [Int64]) {
        let store = try PassageStore(url: folder.url.appendingPathComponent("store.sqlite"), dimension: 4)
        let ids = try store.replaceDocument(source: "course.md", contentHash: "1", passages: passages).addedIDs
        let (index, recovery) = try KeywordIndex.open(folder: folder.url.appendingPathComponent("keywords"), store: store, logger: logger)
        #expect(recovery.replayed == ids.count)
        return (store, index, ids)
    }

    @Test(arguments: ["乘积量化", "什么是倒排索引", "Milvus 支持 GPU 吗", "does milvus support joins", "exact search", "咖", "检索", "向量"])
    func ranksAsBruteForceBM25(query: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (_, index, ids) = try Self.indexedCorpus(in: folder)
        let expected = Self.bruteForceScores(query: query, documents: Self.passages.map { KeywordTerms.documentTerms(of: $0.indexedText) })
        let matching = zip(ids, expected).filter { $0.1 > 0 }
        let ranked = try index.search(query, limit: 100)
        #expect(Set(ranked.map(\.id)) == Set(matching.map(\.0)), "matching passages of \(query)")
        for (id, score) in ranked {
            let reference = try #require(matching.first { $0.0 == id }?.1)
            #expect(abs(score - reference) <= 1e-9 * max(1, reference), "passage \(id) of \(query)")
        }
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(try index.search(query, limit: 2).map(\.id) == Array(ranked.prefix(2).map(\.id)))
    }

    /// Issue #12: a one-character question matched nothing, as only bigrams were indexed.
    @Test func aOneCharacterQuestionFindsTheWordsThatContainIt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (_, index, ids) = try Self.indexedCorpus(in: folder)
        #expect(try index.search("咖", limit: 10).map(\.id) == [ids[8]])
        #expect(try index.search("!!!", limit: 10).isEmpty)
    }

    /// The postings budget keeps a question's rarest terms: "咖啡" is in 1 passage, "milvus" in 2,
    /// so both fit 3 postings and only "咖啡" fits 1 or 2; the rarest term is always asked.
    @Test func aPostingsBudgetAsksTheRarestTerms() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (_, index, ids) = try Self.indexedCorpus(in: folder)
        let everything = try index.search("咖啡 Milvus", limit: 10)
        #expect(Set(everything.map(\.id)) == [ids[3], ids[4], ids[8]])
        #expect(try index.search("咖啡 Milvus", limit: 10, postingsBudget: 1).map(\.id) == [ids[8]])
        #expect(try index.search("咖啡 Milvus", limit: 10, postingsBudget: 2).map(\.id) == [ids[8]])
        #expect(try Set(index.search("咖啡 Milvus", limit: 10, postingsBudget: 3).map(\.id)) == [ids[3], ids[4], ids[8]])
        #expect(try index.search("Milvus", limit: 10, postingsBudget: 1).count == 2)
    }

    @Test func onlyAllowedPassagesMatch() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (_, index, ids) = try Self.indexedCorpus(in: folder)
        let all = try index.search("Milvus 支持", limit: 10).map(\.id)
        #expect(Set(all) == [ids[3], ids[4], ids[7]])
        #expect(try index.search("Milvus 支持", limit: 10, allowed: [ids[7], ids[0]]).map(\.id) == [ids[7]])
        #expect(try index.search("Milvus 支持", limit: 10, allowed: []).isEmpty)
    }

    @Test func writesPersistAndDeletesAreFollowed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let keywords = folder.url.appendingPathComponent("keywords")
        let store: PassageStore
        let ids: [Int64]
        do {
            let (opened, index, added) = try Self.indexedCorpus(in: folder)
            (store, ids) = (opened, added)
            try index.apply(removed: [ids[8]], added: [(id: 100, text: "一杯咖啡")])
            #expect(try Set(index.search("咖啡", limit: 10).map(\.id)) == [100])
        }
        // Id 100 has no stored row: opening again removes it; the deleted passage is not replayed.
        try store.deletePassages(ids: [ids[8]])
        let (reopened, recovery) = try KeywordIndex.open(folder: keywords, store: store, logger: Self.logger)
        #expect(!recovery.rebuilt && recovery.replayed == 0 && recovery.removed == 1)
        #expect(try reopened.search("咖啡", limit: 10).isEmpty)
        #expect(try reopened.count() == ids.count - 1)
    }

    /// A crash between the store's commit and the index's leaves passages the index lacks;
    /// an unreadable database is built again.
    @Test func openingCatchesUpWithTheStoreAndRebuildsAnUnreadableIndex() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let keywords = folder.url.appendingPathComponent("keywords")
        let (store, _, ids) = try Self.indexedCorpus(in: folder)
        let later = try store.replaceDocument(
            source: "later.md", contentHash: "2", passages: [PassageStoreTests.passage("乌龙茶与绿茶", seed: 20)]
        ).addedIDs
        let (caughtUp, recovery) = try KeywordIndex.open(folder: keywords, store: store, logger: Self.logger)
        #expect(!recovery.rebuilt && recovery.replayed == 1 && recovery.removed == 0)
        #expect(try caughtUp.search("绿茶", limit: 10).map(\.id) == later)

        for file in try FileManager.default.contentsOfDirectory(at: keywords, includingPropertiesForKeys: nil) {
            try Data("not a xapian table".utf8).write(to: file)
        }
        let (rebuilt, rebuiltRecovery) = try KeywordIndex.open(folder: keywords, store: store, logger: Self.logger)
        #expect(rebuiltRecovery.rebuilt)
        #expect(rebuiltRecovery.replayed == ids.count + 1)
        #expect(try rebuilt.search("绿茶", limit: 10).map(\.id) == later)
    }

    /// Searches running beside writes see whole commits: a batch of passages sharing a word is
    /// found entirely or not at all (also run under ThreadSanitizer by scripts/test.sh).
    @Test func concurrentSearchesSeeWholeCommits() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let index = try KeywordIndex(folder: folder.url.appendingPathComponent("keywords"))
        let batches = 40
        let batchSize = 10
        let torn = Mutex(0)
        let failedWrites = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            if worker == 0 {
                for batch in 0..<batches {
                    let passages = (0..<batchSize).map { (id: Int64(batch * batchSize + $0 + 1), text: "word\(batch) passage \($0)") }
                    do {
                        try index.apply(removed: [], added: passages)
                    } catch {
                        failedWrites.withLock { $0.append("batch \(batch): \(error)") }
                    }
                }
            } else {
                for round in 0..<200 {
                    let found = (try? index.search("word\((round + worker) % batches)", limit: 50).count) ?? -1
                    if found != 0 && found != batchSize { torn.withLock { $0 += 1 } }
                }
            }
        }
        #expect(failedWrites.withLock { $0 } == [])
        #expect(torn.withLock { $0 } == 0)
        #expect(try index.count() == batches * batchSize)
    }

    /// A child process forked while a write holds Xapian's lock keeps the lock's descriptor until
    /// it execs (the PDF tools the server runs): a write arriving meanwhile waits for the lock
    /// instead of failing. Another process holds it here for 300 ms.
    @Test func aWriteWaitsForALockHeldBriefly() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let index = try KeywordIndex(folder: folder.url.appendingPathComponent("keywords"))
        try index.apply(removed: [], added: [(id: 1, text: "first")])
        let lock = try WriteLock(on: folder.url.appendingPathComponent("keywords"))
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(300)) { lock.release() }
        try index.apply(removed: [], added: [(id: 2, text: "second")])
        #expect(try index.ids() == [1, 2])
    }

    /// The race itself: child processes spawned while writes run (as the PDF tools are) hold the
    /// lock between their fork and exec. Before writes waited for the lock, about a third of them
    /// failed this way in a C++ loop beside `posix_spawn`.
    @Test func writesSucceedWhileTheProcessSpawnsChildren() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let index = try KeywordIndex(folder: folder.url.appendingPathComponent("keywords"))
        let writing = Atomic(true)
        let spawned = Atomic(0)
        let spawner = Thread {
            while writing.load(ordering: .acquiring) {
                let child = Process()
                child.executableURL = URL(fileURLWithPath: "/bin/true")
                guard (try? child.run()) != nil else { continue }
                child.waitUntilExit()
                spawned.add(1, ordering: .relaxed)
            }
        }
        spawner.start()
        defer { writing.store(false, ordering: .releasing) }
        for id in 1...200 {
            try index.apply(removed: [], added: [(id: Int64(id), text: "passage \(id)")])
        }
        #expect(spawned.load(ordering: .relaxed) > 10)
        #expect(try index.count() == 200)
    }

    /// A lock held past the index's patience fails the write with an error that names it; the
    /// next write, once the lock is free, succeeds.
    @Test func aWriteGivesUpOnALockHeldPastItsPatience() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("keywords")
        let index = try KeywordIndex(folder: url, lockPatience: .milliseconds(200))
        try index.apply(removed: [], added: [(id: 1, text: "first")])
        let lock = try WriteLock(on: url)
        let started = ContinuousClock.now
        let error = #expect(throws: KeywordIndexError.self) { try index.apply(removed: [], added: [(id: 2, text: "second")]) }
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect(error?.reason.contains("already locked") == true)
        lock.release()
        try index.apply(removed: [], added: [(id: 2, text: "second")])
        #expect(try index.ids() == [1, 2])
    }

    /// Xapian's write lock on a database, taken as another open file description would hold it
    /// (an open file description lock on `flintlock`).
    private final class WriteLock: @unchecked Sendable {
        /// `F_OFD_SETLK` of Linux's <fcntl.h>, which Swift's Glibc module leaves out.
        private static let setOpenFileDescriptionLock: Int32 = 37
        private let descriptor: Int32

        init(on database: URL) throws {
            descriptor = open(database.appendingPathComponent("flintlock").path, O_RDWR)
            var lock = flock()
            lock.l_type = Int16(F_WRLCK)
            lock.l_whence = Int16(SEEK_SET)
            guard descriptor >= 0, fcntl(descriptor, Self.setOpenFileDescriptionLock, &lock) == 0 else {
                throw CocoaError(.fileLocking)
            }
        }

        func release() { close(descriptor) }
    }

    /// Stores from before version 4 kept an FTS5 table, which opening drops.
    @Test func aVersionThreeStoreDropsItsFullTextTable() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("store.sqlite")
        do {
            let pool = try DatabasePool(path: url.path)
            try PassageStore.migrator.migrate(pool, upTo: "v3: keyword index holds CJK characters as well as bigrams")
            #expect(try pool.read { try $0.tableExists("passages_fts") })
        }
        _ = try PassageStore(url: url, dimension: 4)
        let pool = try DatabasePool(path: url.path)
        #expect(try !pool.read { try $0.tableExists("passages_fts") })
    }
}
