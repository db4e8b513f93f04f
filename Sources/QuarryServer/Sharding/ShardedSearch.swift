import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import QuarryCore

/// Searches of a sharded cluster collection. This node takes the candidates of the shards it
/// holds; every other shard's candidates are asked of one node holding it, over HTTP. The
/// candidates are merged by score, and the caller ranks them as one search of every shard would
/// (``TextCollection/rank(_:for:)``). A node that fails or is too slow is replaced by another
/// holding the same shards; when no node holding a shard answers, the search fails with 503
/// `shard_unavailable` rather than answer in part.
struct ShardedSearch: Sendable {
    let replication: any ChangeReplication
    var client: HTTPClient = Self.nodeClient
    /// Longest wait for one node's answer before its shards are asked of another.
    var nodeTimeout: TimeAmount = .seconds(5)

    /// The header that asks a node for the candidates of the shards it holds, without fanning out again.
    static let scopeHeader = HTTPField.Name("Quarry-Shard-Scope")!
    static let candidatesScope = "candidates"
    /// The header naming the shards asked for (comma-separated); a node holding not all of them
    /// answers 421, and the asking node turns to another.
    static let shardsHeader = HTTPField.Name("Quarry-Shards")!
    /// Largest answer read from one node.
    static let maxAnswerBytes = 32 << 20

    /// The client every fan-out shares, for the life of the process. A node that refuses the
    /// connection, or does not accept it within a second, fails at once: the retry is another
    /// node holding the same shards, not the same node again.
    static let nodeClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(1)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The candidates of every shard.
    struct Answer {
        var candidates: TextSearchCandidates
        /// Whether some node answered with a degraded search.
        var degraded: Bool
    }

    /// Whether `request` is one node's part of a fanned-out search, to answer with its own shards' candidates.
    static func isShardPart(_ request: Request) -> Bool {
        request.headers[scopeHeader] == candidatesScope
    }

    /// Refuses a node's part of a fanned-out search that asks for shards other than `held`.
    /// - Throws: 421 `shard_not_held`, so that the asking node turns to another holder.
    static func requireHeld(_ held: [Int], by request: Request) throws(APIError) {
        let asked = (request.headers[shardsHeader] ?? "").split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard Set(asked).isSubset(of: held) else {
            throw APIError(
                .misdirectedRequest, code: "shard_not_held",
                message:
                    "this node holds shards \(held.map(String.init).joined(separator: ",")), not all of \(asked.map(String.init).joined(separator: ","))"
            )
        }
    }

    /// The candidates of every shard of sharded collection `collection` for `request`; `local`
    /// gives those of this node's shards.
    func candidates(
        _ request: TextSearchRequest, in collection: String, local: @escaping @Sendable () async throws -> TextSearchCandidates
    ) async throws -> Answer {
        let route: ShardRoute
        do {
            route = try await replication.shardRoute(for: collection)
        } catch {
            throw Self.unavailable("the shard map of \"\(collection)\" cannot be read: \(error)")
        }
        let searchesHere = !route.localShards.isEmpty
        async let localCandidates = searchesHere ? local() : TextSearchCandidates(vector: [], keyword: [])
        let remote = try await remoteCandidates(route.remoteCandidates, request: request, collection: collection)
        return Answer(
            candidates: TextSearchCandidates.merging([try await localCandidates] + remote.candidates, for: request), degraded: remote.degraded)
    }

    /// Asks the nodes holding the shards of `candidates` (per shard, its holders in order of
    /// preference), each node once for all the shards it is asked for, until every shard answered.
    private func remoteCandidates(
        _ holders: [Int: [String]], request: TextSearchRequest, collection: String
    ) async throws -> (candidates: [TextSearchCandidates], degraded: Bool) {
        let minimumSequence = replication.status().appliedSequence
        var pending = holders
        var failures: [String: String] = [:]
        var answers: [TextSearchCandidates] = []
        var degraded = false
        while !pending.isEmpty {
            // Each shard goes to a node already asked for another shard when it can, else to its first untried holder.
            var askOf: [String: [Int]] = [:]
            for (shard, holders) in pending.sorted(by: { $0.key < $1.key }) {
                let untried = holders.filter { failures[$0] == nil }
                guard let node = untried.first(where: { askOf[$0] != nil }) ?? untried.first else {
                    let reasons = holders.map { "\($0): \(failures[$0] ?? "not asked")" }.joined(separator: "; ")
                    throw Self.unavailable("no node holding shard \(shard) of \"\(collection)\" answered (\(reasons))")
                }
                askOf[node, default: []].append(shard)
            }
            let asked = askOf
            let outcomes = await withTaskGroup(of: NodeOutcome.self) { group in
                for (node, shards) in asked {
                    group.addTask {
                        do {
                            let answer = try await ask(node, request, collection: collection, shards: shards, minimumSequence: minimumSequence)
                            return NodeOutcome(node: node, answer: answer, failure: nil)
                        } catch {
                            return NodeOutcome(node: node, answer: nil, failure: error)
                        }
                    }
                }
                var outcomes: [NodeOutcome] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            for outcome in outcomes {
                if let answer = outcome.answer {
                    answers.append(answer.candidates)
                    degraded = degraded || answer.degraded
                    for shard in askOf[outcome.node] ?? [] { pending[shard] = nil }
                } else if let refusal = outcome.failure as? NodeRefusal, let answer = refusal.answerAsIs {
                    throw answer
                } else {
                    failures[outcome.node] = outcome.failure.map { "\($0)" } ?? "no answer"
                }
            }
        }
        return (answers, degraded)
    }

    /// Asks node `base` for its own shards' candidates for `request`, once it has applied the
    /// change log up to `minimumSequence` (what this node had applied: read-your-writes across shards).
    private func ask(
        _ base: String, _ request: TextSearchRequest, collection: String, shards: [Int], minimumSequence: Int64
    ) async throws -> ShardCandidatesResponse {
        var call = HTTPClientRequest(url: "\(base)/v1/collections/\(collection)/search")
        call.method = .POST
        call.headers.add(name: "Content-Type", value: "application/json")
        call.headers.add(name: Self.scopeHeader.rawName, value: Self.candidatesScope)
        call.headers.add(name: Self.shardsHeader.rawName, value: shards.map(String.init).joined(separator: ","))
        call.headers.add(name: ReplicationMiddleware.minimumSequenceHeader.rawName, value: String(minimumSequence))
        call.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(SearchRequestBody(request))))
        let response = try await client.execute(call, timeout: nodeTimeout)
        let body = try await response.body.collect(upTo: Self.maxAnswerBytes)
        guard response.status == .ok else {
            throw NodeRefusal(status: Int(response.status.code), body: String(buffer: body))
        }
        return try JSONDecoder().decode(ShardCandidatesResponse.self, from: body)
    }

    /// What asking one node gave: its answer, or why there was none.
    private struct NodeOutcome: Sendable {
        let node: String
        let answer: ShardCandidatesResponse?
        let failure: (any Error)?
    }

    /// A node's answer other than 200.
    private struct NodeRefusal: Error, CustomStringConvertible {
        let status: Int
        let body: String
        var description: String { "HTTP \(status) \(body.prefix(300))" }

        /// The refusal as this node's own answer when it is about the request rather than the node
        /// (400 invalid, 413 too large): another holder would refuse it too.
        var answerAsIs: APIError? {
            guard [400, 413].contains(status),
                let error = try? JSONDecoder().decode(ErrorAnswer.self, from: Data(body.utf8)).error
            else { return nil }
            return APIError(HTTPResponse.Status(code: status), code: error.code, message: error.message)
        }

        /// The JSON body of an error answer.
        private struct ErrorAnswer: Decodable {
            struct Detail: Decodable {
                let code: String
                let message: String
            }
            let error: Detail
        }
    }

    private static func unavailable(_ message: String) -> APIError {
        var error = APIError(.serviceUnavailable, code: "shard_unavailable", message: message)
        error.headers[.retryAfter] = "1"
        return error
    }
}
