import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import QuarryCore
import Testing

@testable import QuarryServer

/// Searches of a sharded collection: this node's shards searched here, the others asked of a
/// node holding them over real HTTP, the answers merged; a dead node replaced by another holder.
@Suite struct ShardedSearchTests {
    /// Cluster mode reduced to a fixed shard route (the cluster module's own tests cover how a
    /// node reads it from PostgreSQL).
    struct FixedShardRoute: ChangeReplication {
        let route: ShardRoute

        func commit(_ write: ReplicatedWrite) async throws -> CommittedWrite { throw CancellationError() }
        func waitUntilApplied(_ sequence: Int64, timeout: Duration) async -> Bool { true }
        func status() -> ReplicationStatus { ReplicationStatus(node: "a", appliedSequence: 0, latestSequence: 0, databaseReachable: true) }
        func shardRoute(for collection: String) async throws -> ShardRoute { route }
    }

    static let unreachable = "http://127.0.0.1:1"

    /// The sources and passage ids of a vector search for "IVF nprobe" on `client`.
    func search(_ client: some TestClientProtocol, headers: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, hits: [[String: Any]]) {
        var fields = headers
        fields[.contentType] = "application/json"
        let response = try await client.execute(
            uri: "/v1/collections/course/search", method: .post, headers: fields,
            body: ByteBuffer(string: #"{"query": "IVF nprobe", "top_k": 10, "mode": "vector"}"#))
        return (response.status, response.status == .ok ? try #require(try json(response)["results"] as? [[String: Any]]) : [])
    }

    @Test func aSearchMergesThisNodesShardsWithTheOtherNodesAndSkipsADeadOne() async throws {
        // The other node: the same passages (as if it held a replica of this node's shard too) and one more document.
        let other = try TestServer()
        defer { other.remove() }
        let course = try #require(other.library.textCollection(named: "course"))
        _ = try course.add(
            TextDocument(source: "extra.md", contentHash: "3", passages: [.init(text: "IVF splits vectors into nlist clusters.", chapter: "")]))
        // What one index holding all of it answers, before the collection is marked sharded.
        let (expectedIDs, expectedScores) = try await other.application.test(.router) { client in
            let hits = try await search(client).hits
            return (hits.map { $0["id"] as? Int }, hits.map { $0["score"] as? Double })
        }
        #expect(expectedIDs.count == 4)
        let here = try TestServer()
        defer { here.remove() }
        for (server, held) in [(here, [0]), (other, [0, 1])] {
            try #require(server.library.textCollection(named: "course")).updateConfiguration {
                $0.sharding = ShardLayout(shards: 2, replicas: 1)
                $0.heldShards = held
            }
        }
        let otherReplication = FixedShardRoute(route: ShardRoute(localShards: [0, 1], remoteCandidates: [:]))
        let otherApplication = Application(
            router: QuarryApplication.router(library: other.library, configuration: other.configuration, replication: otherReplication))
        try await otherApplication.test(.live) { otherClient in
            let otherURL = "http://127.0.0.1:\(try #require(otherClient.port))"
            for candidates in [[otherURL], [Self.unreachable, otherURL]] {
                let replication = FixedShardRoute(route: ShardRoute(localShards: [0], remoteCandidates: [1: candidates]))
                let router = QuarryApplication.router(library: here.library, configuration: here.configuration, replication: replication)
                try await Application(router: router).test(.router) { client in
                    let merged = try await search(client)
                    #expect(merged.status == .ok)
                    // Every passage once, best first, ranked from 1: what the other node's whole view answers.
                    #expect(merged.hits.map { $0["id"] as? Int } == expectedIDs)
                    #expect(merged.hits.map { $0["score"] as? Double } == expectedScores)
                    #expect(merged.hits.map { $0["rank"] as? Int } == Array(1...4))
                    // Asked for its own shards' candidates, a node answers them without fanning out again.
                    let part = try await client.execute(
                        uri: "/v1/collections/course/search", method: .post,
                        headers: [.contentType: "application/json", ShardedSearch.scopeHeader: ShardedSearch.candidatesScope],
                        body: ByteBuffer(string: #"{"query": "IVF nprobe", "top_k": 10, "mode": "vector"}"#))
                    let candidates = try #require(try json(part)["vector"] as? [[String: Any]])
                    #expect(candidates.count == 3 && !candidates.contains { $0["source"] as? String == "extra.md" })
                    // Asked for a shard it does not hold (a stale shard map, an address that leads
                    // back to the asking node), a node says so rather than answer in part.
                    let misdirected = try await client.execute(
                        uri: "/v1/collections/course/search", method: .post,
                        headers: [
                            .contentType: "application/json", ShardedSearch.scopeHeader: ShardedSearch.candidatesScope,
                            ShardedSearch.shardsHeader: "0,1",
                        ],
                        body: ByteBuffer(string: #"{"query": "IVF nprobe", "top_k": 10, "mode": "vector"}"#))
                    #expect(misdirected.status == .misdirectedRequest)
                    #expect(try errorCode(misdirected) == "shard_not_held")
                }
            }
            // No node holding shard 1 answers: 503, never a partial answer.
            let replication = FixedShardRoute(route: ShardRoute(localShards: [0], remoteCandidates: [1: [Self.unreachable]]))
            let router = QuarryApplication.router(library: here.library, configuration: here.configuration, replication: replication)
            try await Application(router: router).test(.router) { client in
                let response = try await client.execute(
                    uri: "/v1/collections/course/search", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"query": "IVF nprobe", "top_k": 10, "mode": "vector"}"#))
                #expect(response.status == .serviceUnavailable)
                #expect(try errorCode(response) == "shard_unavailable")
            }
        }
    }

    @Test func candidatesReadBackFromJSONAreTheOnesWritten() throws {
        let passage = StoredPassage(id: 7, source: "b.md", text: "IVF", chapter: "", page: nil, span: nil, metadata: [:])
        let candidates = TextSearchCandidates(
            vector: [.init(passage: passage, score: 0.5)], keyword: [.init(passage: passage, score: 3.25)])
        let data = try JSONEncoder().encode(ShardCandidatesResponse(candidates, degraded: true))
        let read = try JSONDecoder().decode(ShardCandidatesResponse.self, from: data)
        #expect(read.candidates == candidates && read.degraded)
    }

    @Test func aResultReadBackFromJSONIsTheHitItWasWrittenFrom() throws {
        let hit = TextSearchHit(
            rank: 2,
            passage: StoredPassage(
                id: 41, source: "a.md", text: "向量检索", chapter: "一 > 二", page: 3, span: 5..<9, metadata: ["level": .string("basic")]),
            score: 0.75, highlights: Highlights(sentence: 0..<4, terms: [0..<2]))
        let data = try JSONEncoder().encode(SearchResponse.Result(hit: hit))
        #expect(try JSONDecoder().decode(SearchResponse.Result.self, from: data).hit == hit)
        let request = TextSearchRequest(query: "q", topK: 7, mode: .keyword, filter: PassageFilter(source: "a.md"), minScore: 0.5)
        let body = try JSONDecoder().decode(SearchRequestBody.self, from: try JSONEncoder().encode(SearchRequestBody(request)))
        #expect(try body.validated(limits: RequestLimits(), defaultTopK: 5) == request)
    }

    @Test func aSingleServerRefusesShards() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/collections/sharded", method: .put,
                headers: [.authorization: "Bearer \(TestServer.adminToken)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"kind": "text", "model": "e5-small", "shards": 2, "replicas": 2}"#))
            #expect(response.status == .badRequest)
            #expect(try errorCode(response) == "invalid_request")
            #expect(server.library.collection(named: "sharded") == nil)
        }
    }
}
