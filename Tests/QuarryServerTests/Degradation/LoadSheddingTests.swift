import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QuarryServer
import Synchronization
import Testing

/// Drives the router past its soft and hard limits of searches in flight (requests go straight to
/// the router, so a client's connection pool cannot be what limits them).
@Suite(.serialized) struct LoadSheddingTests {
    @Test func pastTheSoftLimitSearchesDegradePastTheHardLimitTheyAreRefused() async throws {
        let server = try TestServer(load: LoadLimits(softLimit: 2, hardLimit: 5, retryAfterSeconds: 3), cache: .init(capacity: 0))
        defer { server.remove() }
        try await server.application.test(.router) { client in
            let outcomes = try await withThrowingTaskGroup(of: (HTTPResponse.Status, Bool?, String?, String?).self) { group in
                for number in 0..<24 {
                    group.addTask {
                        let response = try await client.execute(
                            uri: "/v1/collections/course/search", method: .post, headers: [.contentType: "application/json"],
                            body: ByteBuffer(string: #"{"query": "第 \#(number) 个问题：IVF 的 nprobe 是什么？", "top_k": 4}"#)
                        )
                        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                        let code = (body?["error"] as? [String: Any])?["code"] as? String
                        return (response.status, body?["degraded"] as? Bool, response.headers[.retryAfter], code)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let ok = outcomes.filter { $0.0 == .ok }
            let refused = outcomes.filter { $0.0 == .serviceUnavailable }
            #expect(ok.count + refused.count == 24, "\(outcomes.map(\.0))")
            #expect(refused.count > 0 && refused.allSatisfy { $0.2 == "3" && $0.3 == "overloaded" })
            #expect(ok.contains { $0.1 == true }, "no degraded answer among \(ok.count)")
            #expect(ok.contains { $0.1 == false })

            // Afterwards the server is back to normal.
            let calm = try await client.execute(
                uri: "/v1/collections/course/search", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"query": "HNSW efSearch", "top_k": 4}"#)
            )
            #expect(calm.status == .ok)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: calm.body)) as? [String: Any])
            #expect(body["degraded"] as? Bool == false && (body["results"] as? [Any])?.count == 3)
        }
    }
}
