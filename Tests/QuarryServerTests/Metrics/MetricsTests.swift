import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import QuarryServer
import Testing

@Suite(.serialized) struct MetricsTests {
    static let searchSeries = #"http_requests_total{method="POST",route="/v1/collections/{name}/search""#

    func search(_ client: some TestClientProtocol, collection: String = "course") async throws -> TestResponse {
        try await client.execute(
            uri: "/v1/collections/\(collection)/search", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"query": "HNSW efSearch", "top_k": 1}"#)
        )
    }

    func scrape(_ client: some TestClientProtocol) async throws -> String {
        let response = try await client.execute(uri: "/metrics", method: .get)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        return String(buffer: response.body)
    }

    /// The value of the sample named exactly `series` (name and labels), if present.
    func sample(_ exposition: String, _ series: String) -> Double? {
        exposition.split(separator: "\n").lazy
            .compactMap { line -> Double? in
                guard line.hasPrefix(series + " ") else { return nil }
                return Double(line.dropFirst(series.count + 1))
            }
            .first
    }

    @Test func requestsAreCountedByRoutePatternAndStatus() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            #expect(sample(try await scrape(client), Self.searchSeries + #",status="200"}"#) == nil)
            #expect(try await search(client).status == .ok)
            #expect(try await search(client).status == .ok)
            #expect(try await search(client, collection: "nope").status == .notFound)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/no/such/route", method: .get).status == .notFound)
            let metrics = try await scrape(client)
            #expect(sample(metrics, Self.searchSeries + #",status="200"}"#) == 2)
            #expect(sample(metrics, Self.searchSeries + #",status="404"}"#) == 1)
            #expect(sample(metrics, #"http_requests_total{method="GET",route="unmatched",status="404"}"#) == 1)
            #expect(!metrics.contains(#"route="/health""#) && !metrics.contains(#"route="/metrics""#))
            #expect(!metrics.contains("/v1/collections/course/search") && !metrics.contains("/no/such/route"))
            #expect(sample(metrics, "http_requests_in_progress") == 0)
            let latency = #"http_request_duration_seconds_bucket{method="POST",route="/v1/collections/{name}/search","#
            for bound in ["0.001", "0.0025", "0.1", "1.0", "5.0"] {
                #expect(sample(metrics, latency + #"le="\#(bound)"}"#) != nil, "bucket \(bound)")
            }
            #expect(sample(metrics, latency + #"le="+Inf"}"#) == 3)
        }
    }

    @Test func searchStagesIndexSizesAndProcessAreReported() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            #expect(try await search(client).status == .ok)
            let metrics = try await scrape(client)
            let vectors = try #require(server.library.textCollection(named: "course")).index.count
            #expect(sample(metrics, #"quarry_index_vectors{collection="course"}"#) == Double(vectors))
            // The search waited for an executor thread once, and nothing waits now.
            #expect(sample(metrics, #"quarry_executor_wait_seconds_count{kind="search"}"#) == 1)
            #expect(sample(metrics, #"quarry_executor_queued_jobs{kind="search"}"#) == 0)
            for stage in ["embed", "vector", "keyword", "metadata", "fuse", "deduplicate"] {
                #expect(sample(metrics, #"quarry_search_duration_seconds_count{collection="course",stage="\#(stage)"}"#) == 1, "\(stage)")
            }
            #expect(sample(metrics, #"quarry_embedding_duration_seconds_count{model="e5-small"}"#) == 1)
            #expect(sample(metrics, "quarry_unknown_ids_total") == 0)
            #expect((sample(metrics, "process_resident_memory_bytes") ?? 0) > 0)
            #expect((sample(metrics, "process_cpu_seconds_total") ?? 0) > 0)
            #expect(sample(metrics, "quarry_degraded_requests_total") == 0)
            #expect(sample(metrics, "quarry_index_fallbacks_total") == 0)
            #expect(sample(metrics, "quarry_cache_hits_total") != nil && sample(metrics, "quarry_cache_misses_total") != nil)
        }
    }

    /// Summaries (store counts), deletions and rebuilds are jobs of the search executor, not of the request task.
    @Test func summariesDeletionsAndRebuildsRunOnTheExecutor() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            func otherJobs() async throws -> Double {
                sample(try await scrape(client), #"quarry_executor_wait_seconds_count{kind="other"}"#) ?? 0
            }
            let admin: HTTPFields = [.authorization: "Bearer \(TestServer.adminToken)"]
            let before = try await otherJobs()
            #expect(try await client.execute(uri: "/v1/collections", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/v1/collections/course", method: .get).status == .ok)
            #expect(try await otherJobs() == before + 2)
            let found = try json(try await search(client))
            let id = try #require((found["results"] as? [[String: Any]])?.first?["id"] as? Int)
            #expect(try await client.execute(uri: "/v1/collections/course/items/\(id)", method: .delete, headers: admin).status == .ok)
            #expect(try await client.execute(uri: "/v1/collections/course/reindex", method: .post, headers: admin).status == .ok)
            #expect(try await otherJobs() == before + 4)
        }
    }

    /// A stored document's passages are timed in `quarry_embedding_duration_seconds`, once each; an unchanged one is not embedded.
    @Test func documentUploadsTimeTheirEmbeddings() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            func embeddings() async throws -> Double {
                sample(try await scrape(client), #"quarry_embedding_duration_seconds_count{model="e5-small"}"#) ?? 0
            }
            func upload() async throws -> [[String: Any]] {
                let response = try await client.execute(
                    uri: "/v1/collections/course/documents", method: .post,
                    headers: [.contentType: "application/json", .authorization: "Bearer \(TestServer.adminToken)"],
                    body: ByteBuffer(
                        string:
                            #"{"documents": [{"source": "sq.md", "text": "Scalar quantization keeps 8 bits a component.\n\nProduct quantization splits a vector into parts."}]}"#
                    )
                )
                return try #require(try json(response)["documents"] as? [[String: Any]])
            }
            let before = try await embeddings()
            let stored = try await upload()
            #expect(stored.first?["status"] as? String == "stored")
            let passages = try #require(stored.first?["passages"] as? Int)
            #expect(passages > 0)
            #expect(try await embeddings() == before + Double(passages))
            #expect(try await upload().first?["status"] as? String == "unchanged")
            #expect(try await embeddings() == before + Double(passages))
        }
    }

    @Test func recordedEngineEventsAreExposed() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let metrics = QuarryMetrics()
        metrics.recordCacheLookup(hit: true)
        metrics.recordCacheLookup(hit: false)
        metrics.recordCacheLookup(hit: false)
        metrics.recordDegradedRequest()
        metrics.recordIndexFallback()
        metrics.recordUnknownIDs(4)
        metrics.recordEmbedding(model: "clip", seconds: 0.02)
        let text = metrics.exposition(library: server.library)
        #expect(sample(text, "quarry_cache_hits_total") == 1)
        #expect(sample(text, "quarry_cache_misses_total") == 2)
        #expect(sample(text, "quarry_degraded_requests_total") == 1)
        #expect(sample(text, "quarry_index_fallbacks_total") == 1)
        #expect(sample(text, "quarry_unknown_ids_total") == 4)
        #expect(sample(text, #"quarry_embedding_duration_seconds_bucket{model="clip",le="0.025"}"#) == 1)
        #expect(sample(text, #"quarry_embedding_duration_seconds_bucket{model="clip",le="0.01"}"#) == 0)
    }

    /// `promtool check metrics` (Debian package `prometheus`) accepts the exposition, lint included.
    @Test func promtoolAcceptsTheExposition() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.application.test(.router) { client in
            #expect(try await search(client).status == .ok)
            #expect(try await search(client, collection: "nope").status == .notFound)
            let file = server.dataDirectory.appendingPathComponent("metrics.txt")
            try Data(try await scrape(client).utf8).write(to: file)
            let promtool = try #require(
                Self.executable(named: "promtool"),
                "promtool is not installed: run scripts/setup.sh --with-test-tools (Debian package prometheus)"
            )
            let process = Process()
            process.executableURL = promtool
            process.arguments = ["check", "metrics"]
            process.standardInput = try FileHandle(forReadingFrom: file)
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "promtool check metrics: \(report)")
        }
    }

    static func executable(named name: String) -> URL? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
