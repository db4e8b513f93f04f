import Prometheus
import QuarryCore
import Synchronization

/// Quarry's Prometheus metrics: HTTP traffic (fed by ``MetricsMiddleware``),
/// process usage and index sizes (read at scrape time), and search-engine
/// events that routes and other code record through the `record…` methods.
///
/// Labels only take bounded values (route patterns, collection and model
/// names, search stages), never raw paths or query text.
public final class QuarryMetrics: Sendable {
    /// The registry every Quarry metric lives in.
    public let registry = PrometheusCollectorRegistry()

    /// Upper bounds, in seconds, of the HTTP latency buckets.
    static let requestBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    /// Upper bounds, in seconds, of the embedding and search-stage buckets: finer, as stages can take microseconds.
    static let stageBuckets = [0.0001, 0.00025, 0.0005] + requestBuckets

    private let requestsInProgress: Gauge
    private let processCPU: Counter
    private let processMemory: Gauge
    private let cacheHits: Counter
    private let cacheMisses: Counter
    private let degradedRequests: Counter
    private let indexFallbacks: Counter
    private let unknownIDs: Counter
    /// The search executor's wait histogram and queue gauge, for searches and for other jobs.
    private let executorWaits: (search: ValueHistogram, other: ValueHistogram)
    private let executorQueues: (search: Gauge, other: Gauge)
    /// CPU seconds already added to `processCPU`, and the index gauges by collection name.
    private let scrapeState = Mutex<(cpuSeconds: Double, indexGauges: [String: Gauge])>((0, [:]))

    public init() {
        let registry = registry
        func counter(_ name: String, _ help: String) -> Counter { registry.makeCounter(descriptor: Self.descriptor(name, help)) }
        func gauge(_ name: String, _ help: String) -> Gauge { registry.makeGauge(descriptor: Self.descriptor(name, help)) }
        requestsInProgress = gauge("http_requests_in_progress", "HTTP requests being handled (excluding /health and /metrics).")
        processCPU = counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.")
        processMemory = gauge("process_resident_memory_bytes", "Resident memory size in bytes.")
        cacheHits = counter("quarry_cache_hits_total", "Cache lookups that found an entry.")
        cacheMisses = counter("quarry_cache_misses_total", "Cache lookups that found no entry.")
        degradedRequests = counter("quarry_degraded_requests_total", "Requests answered in a degraded mode (e.g. keyword only).")
        indexFallbacks = counter("quarry_index_fallbacks_total", "Searches that fell back from the configured index to another one.")
        unknownIDs = counter("quarry_unknown_ids_total", "Ids returned by an index that the metadata store does not know (dropped).")
        let wait = Self.descriptor("quarry_executor_wait_seconds", "Time a job waited for a thread of the search executor in seconds.")
        let queued = Self.descriptor("quarry_executor_queued_jobs", "Jobs waiting for a thread of the search executor.")
        func waits(_ kind: String) -> ValueHistogram {
            registry.makeValueHistogram(descriptor: wait, labels: [("kind", kind)], buckets: Self.stageBuckets)
        }
        func queue(_ kind: String) -> Gauge { registry.makeGauge(descriptor: queued, labels: [("kind", kind)]) }
        executorWaits = (waits("search"), waits("other"))
        executorQueues = (queue("search"), queue("other"))
    }

    // MARK: HTTP

    /// Counts a request as started; ``requestFinished(method:route:status:seconds:)`` ends it.
    func requestStarted() {
        requestsInProgress.increment()
    }

    /// Counts a finished request and records its latency.
    func requestFinished(method: String, route: String, status: Int, seconds: Double) {
        requestsInProgress.decrement()
        registry.makeCounter(
            descriptor: Self.descriptor("http_requests_total", "HTTP requests handled (excluding /health and /metrics)."),
            labels: [("method", method), ("route", route), ("status", "\(status)")]
        ).increment()
        registry.makeValueHistogram(
            descriptor: Self.descriptor("http_request_duration_seconds", "HTTP request latency in seconds."),
            labels: [("method", method), ("route", route)], buckets: Self.requestBuckets
        ).record(seconds)
    }

    // MARK: Engine events

    /// Records one search: each stage of `timings` (seconds, keyed by stage such as
    /// "decode", "embed", "vector", "keyword", "metadata", "fuse", "deduplicate"), the
    /// "embed" stage also as an embedding by `model`, and the index ids the store did not know.
    public func recordSearch(collection: String, model: String, timings: [String: Double], unknownIDs count: Int) {
        for (stage, seconds) in timings {
            registry.makeValueHistogram(
                descriptor: Self.descriptor("quarry_search_duration_seconds", "Time spent per search stage in seconds."),
                labels: [("collection", collection), ("stage", stage)], buckets: Self.stageBuckets
            ).record(seconds)
        }
        if let seconds = timings["embed"] { recordEmbedding(model: model, seconds: seconds) }
        recordUnknownIDs(count)
    }

    /// Records the time `model` took to embed `inputs` inputs together, as that many inputs of equal share.
    public func recordEmbedding(model: String, seconds: Double, inputs: Int = 1) {
        guard inputs > 0 else { return }
        let histogram = registry.makeValueHistogram(
            descriptor: Self.descriptor("quarry_embedding_duration_seconds", "Time spent embedding one input in seconds."),
            labels: [("model", model)], buckets: Self.stageBuckets
        )
        for _ in 0..<inputs { histogram.record(seconds / Double(inputs)) }
    }

    /// Counts ids returned by an index that the store does not know.
    public func recordUnknownIDs(_ count: Int) {
        if count > 0 { unknownIDs.increment(by: Int64(count)) }
    }

    /// Counts a cache lookup, as a hit or a miss.
    public func recordCacheLookup(hit: Bool) {
        (hit ? cacheHits : cacheMisses).increment()
    }

    /// Counts a request answered in a degraded mode.
    public func recordDegradedRequest() {
        degradedRequests.increment()
    }

    /// Records how long a job (a search, or another job) waited for an executor thread.
    func recordExecutorWait(search: Bool, seconds: Double) {
        (search ? executorWaits.search : executorWaits.other).record(seconds)
    }

    /// Sets the number of jobs (searches, or other jobs) waiting for an executor thread.
    func setExecutorQueue(search: Bool, jobs: Int) {
        (search ? executorQueues.search : executorQueues.other).set(Double(jobs))
    }

    /// Counts a search that fell back to another index.
    public func recordIndexFallback() {
        indexFallbacks.increment()
    }

    // MARK: Exposition

    /// Every metric in the Prometheus text format (0.0.4), after refreshing process
    /// usage and `quarry_index_vectors` from the collections of `library`.
    public func exposition(library: CollectionLibrary) -> String {
        let counts = Dictionary(
            library.allTextCollections.map { ($0.name, $0.vectorCount) } + library.allImageCollections.map { ($0.name, $0.vectorCount) },
            uniquingKeysWith: { first, _ in first }
        )
        let usage = ProcessUsage.current()
        scrapeState.withLock { state in
            if let usage {
                // A counter only goes up: add what was spent since the last scrape.
                processCPU.increment(by: max(0, usage.cpuSeconds - state.cpuSeconds))
                state.cpuSeconds = max(state.cpuSeconds, usage.cpuSeconds)
                processMemory.set(usage.residentBytes)
            }
            for (name, gauge) in state.indexGauges where counts[name] == nil {
                registry.unregisterGauge(gauge)
                state.indexGauges[name] = nil
            }
            for (name, count) in counts {
                let gauge =
                    state.indexGauges[name]
                    ?? registry.makeGauge(
                        descriptor: Self.descriptor("quarry_index_vectors", "Vectors in the index of each collection."),
                        labels: [("collection", name)]
                    )
                gauge.set(Double(count))
                state.indexGauges[name] = gauge
            }
        }
        return registry.emitToString()
    }

    /// A metric named `name` in full, with its help text.
    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
