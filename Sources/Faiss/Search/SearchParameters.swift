/// Per-call search settings. `nil` uses the index's defaults (see
/// ``Index/setSearchDefaults(nprobe:efSearch:)``). Settings that do not apply
/// to the index type are ignored.
public struct SearchParameters: Sendable, Hashable {
    /// Inverted lists visited by an IVF search (clamped to `nlist` by FAISS).
    public var nprobe: Int?
    /// Candidate list size of an HNSW search.
    public var efSearch: Int?

    public init(nprobe: Int? = nil, efSearch: Int? = nil) {
        self.nprobe = nprobe
        self.efSearch = efSearch
    }

    /// The index's own defaults.
    public static let `default` = SearchParameters()

    func validated() throws(FaissError) -> (nprobe: Int32, efSearch: Int32) {
        if let nprobe, nprobe <= 0 { throw .invalidArgument("nprobe must be positive, got \(nprobe)") }
        if let efSearch, efSearch <= 0 { throw .invalidArgument("efSearch must be positive, got \(efSearch)") }
        return (Int32(clamping: nprobe ?? 0), Int32(clamping: efSearch ?? 0))
    }
}
