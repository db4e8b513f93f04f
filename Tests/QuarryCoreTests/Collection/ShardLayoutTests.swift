import QuarryCore
import Testing

/// Where the documents of a sharded collection live, and which nodes hold each shard.
@Suite struct ShardLayoutTests {
    @Test func aDocumentsShardIsFNV1aOfItsSourceOnEveryPlatform() {
        // FNV-1a 64 of "notes/00001.md" is 0x44320e1845212445 (computed independently in Python).
        #expect(ShardLayout(shards: 7).shard(ofSource: "notes/00001.md") == Int(0x4432_0e18_4521_2445 as UInt64 % 7))
        #expect(ShardLayout(shards: 2).shard(ofSource: "notes/00001.md") == 1)
        #expect(ShardLayout(shards: 1).shard(ofSource: "anything") == 0)
    }

    @Test func sourcesSpreadEvenlyOverTheShards() {
        let layout = ShardLayout(shards: 4)
        var counts = [Int](repeating: 0, count: 4)
        for number in 0..<10_000 { counts[layout.shard(ofSource: "course/chapter-\(number).md")] += 1 }
        #expect(counts.allSatisfy { (2_300...2_700).contains($0) }, "\(counts)")
    }

    @Test func eachShardGoesToDistinctNodesSpreadRoundTheList() {
        let nodes = ["node1", "node2", "node3"]
        #expect(ShardLayout(shards: 2, replicas: 2).assignment(to: nodes) == [0: ["node1", "node2"], 1: ["node3", "node1"]])
        #expect(ShardLayout(shards: 3, replicas: 1).assignment(to: nodes) == [0: ["node1"], 1: ["node2"], 2: ["node3"]])
        // More replicas than nodes: every node holds every shard, none twice.
        #expect(ShardLayout(shards: 2, replicas: 3).assignment(to: ["a", "b"]) == [0: ["a", "b"], 1: ["a", "b"]])
        #expect(ShardLayout(shards: 2).assignment(to: []).isEmpty)
        for shards in 1...9 {
            for replicas in 1...4 {
                let holders = ShardLayout(shards: shards, replicas: replicas).assignment(to: nodes)
                #expect(holders.count == shards)
                #expect(holders.values.allSatisfy { Set($0).count == $0.count && $0.count == min(replicas, nodes.count) })
            }
        }
    }

    @Test func aNodeHoldsTheDocumentsOfItsShardsOnly() {
        var configuration = CollectionConfiguration(name: "notes", kind: .text, model: "e5-small", dimension: 384, factory: "Flat")
        #expect(configuration.holdsDocument(source: "notes/00001.md"))
        configuration.sharding = ShardLayout(shards: 2, replicas: 1)
        #expect(!configuration.holdsDocument(source: "notes/00001.md"))
        configuration.heldShards = [1]
        #expect(configuration.holdsDocument(source: "notes/00001.md"))
        configuration.heldShards = [0]
        #expect(!configuration.holdsDocument(source: "notes/00001.md"))
    }

    @Test func shardingNeedsATextCollectionAndCountsInRange() throws {
        #expect(throws: Never.self) { try CollectionLibrary.validate(.init(kind: .text, model: "e5-small", sharding: .init(shards: 2, replicas: 2))) }
        #expect(throws: CollectionError.self) {
            try CollectionLibrary.validate(.init(kind: .image, model: "efficientnet-lite0", sharding: .init(shards: 2)))
        }
        #expect(throws: CollectionError.self) { try CollectionLibrary.validate(.init(kind: .text, model: "e5-small", sharding: .init(shards: 0))) }
        #expect(throws: CollectionError.self) {
            try CollectionLibrary.validate(.init(kind: .text, model: "e5-small", sharding: .init(shards: 2, replicas: 17)))
        }
    }
}
