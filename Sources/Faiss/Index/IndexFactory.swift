/// The FAISS factory strings Quarry builds indexes from, checked before FAISS sees them.
///
/// FAISS's `index_factory` trusts its input: `IVF0,Flat` or `HNSW0` crash the process, `PQ0`
/// divides by zero. So only this grammar is accepted, each number in range for the dimension:
///
///     factory   = [transform ","] main ["," "RFlat"]
///     transform = "PCA" d | "OPQ" m ["_" d]
///     main      = "Flat" | "HNSW" M ["," ("Flat" | scalar)] | "IVF" n ["_HNSW" M] "," (storage)
///               | pq | scalar
///     storage   = "Flat" | pq | scalar
///     pq        = "PQ" m ["x" bits]
///     scalar    = "SQ4" | "SQ6" | "SQ8" | "SQfp16"
///
/// with 1 ≤ d ≤ dimension, m dividing the dimension the part sees, 2 ≤ M ≤ 256,
/// 1 ≤ n ≤ 2²⁴ and 1 ≤ bits ≤ 16.
public enum IndexFactory {
    /// Largest number of IVF lists.
    public static let maxLists = 1 << 24
    /// Range of HNSW's neighbours per node.
    public static let neighbourRange = 2...256
    /// Range of product-quantizer bits per code.
    public static let bitsRange = 1...16

    /// Throws unless `factory` is in the accepted grammar and fits `dimension`.
    /// - Throws: ``FaissError/invalidFactory(_:reason:)`` naming the first problem.
    public static func validate(_ factory: String, dimension: Int) throws(FaissError) {
        var components = factory.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func fail(_ reason: String) -> FaissError { .invalidFactory(factory, reason: reason) }
        guard !factory.isEmpty, components.allSatisfy({ !$0.isEmpty }) else { throw fail("empty component") }
        if components.count > 1, components.last == "RFlat" { components.removeLast() }

        var workingDimension = dimension
        if let first = components.first, first.hasPrefix("PCA") || first.hasPrefix("OPQ") {
            workingDimension = try transformOutput(first, dimension: dimension, fail: fail)
            components.removeFirst()
        }
        guard let main = components.first else { throw fail("no index after the transform") }
        let storage = Array(components.dropFirst())
        guard storage.count <= 1 else { throw fail("too many components") }

        if main == "Flat" {
            guard storage.isEmpty else { throw fail("Flat takes no storage component") }
        } else if let neighbours = number(after: "HNSW", in: main) {
            try check(neighbourRange.contains(neighbours), "HNSW needs 2 to 256 neighbours, got \(neighbours)", fail)
            if let component = storage.first, component != "Flat", !isScalarQuantizer(component) {
                throw fail("HNSW stores Flat or SQ4/SQ6/SQ8/SQfp16, not \(component)")
            }
        } else if main.hasPrefix("IVF") {
            try checkInvertedLists(main, fail: fail)
            guard let component = storage.first else { throw fail("IVF needs a storage component, like IVF256,Flat") }
            if component != "Flat", !isScalarQuantizer(component) {
                try checkProductQuantizer(component, dimension: workingDimension, fail: fail)
            }
        } else if main.hasPrefix("PQ") {
            guard storage.isEmpty else { throw fail("PQ takes no storage component") }
            try checkProductQuantizer(main, dimension: workingDimension, fail: fail)
        } else if isScalarQuantizer(main) {
            guard storage.isEmpty else { throw fail("\(main) takes no storage component") }
        } else {
            throw fail("unsupported index type \"\(main)\" (use Flat, HNSW, IVF, PQ or SQ)")
        }
    }

    /// The output dimension of a `PCA…` or `OPQ…` transform.
    private static func transformOutput(
        _ component: String, dimension: Int, fail: (String) -> FaissError
    ) throws(FaissError) -> Int {
        if let output = number(after: "PCA", in: component) {
            try check((1...dimension).contains(output), "PCA output must be 1 to \(dimension), got \(output)", fail)
            return output
        }
        let parts = component.dropFirst(3).split(separator: "_", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let subquantizers = Int(parts[0]) else { throw fail("malformed \(component)") }
        var output = dimension
        if parts.count == 2 {
            guard let value = Int(parts[1]) else { throw fail("malformed \(component)") }
            output = value
        }
        try check((1...dimension).contains(output), "OPQ output must be 1 to \(dimension), got \(output)", fail)
        try check(
            subquantizers >= 1 && output % subquantizers == 0,
            "OPQ sub-quantizers must divide \(output), got \(subquantizers)", fail
        )
        return output
    }

    /// Checks `IVF<n>` or `IVF<n>_HNSW<M>`.
    private static func checkInvertedLists(_ component: String, fail: (String) -> FaissError) throws(FaissError) {
        let parts = component.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), let lists = number(after: "IVF", in: parts[0]) else { throw fail("malformed \(component)") }
        try check((1...maxLists).contains(lists), "IVF needs 1 to \(maxLists) lists, got \(lists)", fail)
        if parts.count == 2 {
            guard let neighbours = number(after: "HNSW", in: parts[1]) else { throw fail("malformed \(component)") }
            try check(neighbourRange.contains(neighbours), "HNSW needs 2 to 256 neighbours, got \(neighbours)", fail)
        }
    }

    /// Checks `PQ<m>` or `PQ<m>x<bits>` for vectors of `dimension` components.
    private static func checkProductQuantizer(
        _ component: String, dimension: Int, fail: (String) -> FaissError
    ) throws(FaissError) {
        let parts = component.dropFirst(2).split(separator: "x", omittingEmptySubsequences: false)
        guard component.hasPrefix("PQ"), (1...2).contains(parts.count), let subquantizers = Int(parts[0]) else {
            throw fail("unsupported storage \"\(component)\" (use Flat, PQ<m>[x<bits>] or SQ4/SQ6/SQ8/SQfp16)")
        }
        try check(
            subquantizers >= 1 && subquantizers <= dimension && dimension % subquantizers == 0,
            "PQ sub-quantizers must divide the dimension \(dimension), got \(subquantizers)", fail
        )
        if parts.count == 2 {
            guard let bits = Int(parts[1]) else { throw fail("malformed \(component)") }
            try check(bitsRange.contains(bits), "PQ bits must be 1 to 16, got \(bits)", fail)
        }
    }

    /// The number of inverted lists of an IVF factory string (`IVF1024,Flat` and `PCA64,IVF1024_HNSW32,SQ8` → 1024),
    /// or nil for another type.
    public static func invertedLists(in factory: String) -> Int? {
        factory.split(separator: ",").lazy.compactMap { component in
            // `IVF64_HNSW32`: the lists' coarse quantizer follows the underscore.
            number(after: "IVF", in: String(component.prefix { $0 != "_" }))
        }.first
    }

    static func isScalarQuantizer(_ component: String) -> Bool {
        ["SQ4", "SQ6", "SQ8", "SQfp16"].contains(component)
    }

    /// The decimal number that follows `prefix` and makes up the rest of `component`.
    static func number(after prefix: String, in component: String) -> Int? {
        guard component.hasPrefix(prefix) else { return nil }
        let digits = component.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(digits)
    }

    private static func check(_ condition: Bool, _ reason: String, _ fail: (String) -> FaissError) throws(FaissError) {
        if !condition { throw fail(reason) }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
