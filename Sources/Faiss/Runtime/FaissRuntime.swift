import CFaiss
import Foundation

/// Process-wide FAISS settings.
public enum FaissRuntime {
    /// OpenMP threads used inside each FAISS call. A server searching many
    /// requests at once should use 1 and parallelise across requests.
    /// Setting 0 restores OpenMP's default (one per core).
    public static var threadCount: Int {
        get { Int(qf_thread_count()) }
        set { qf_set_thread_count(Int32(clamping: newValue)) }
    }

    /// The compile options of the linked FAISS library, e.g. `"OPTIMIZE AVX2"`,
    /// or `"generic"` for a build without SIMD.
    public static var buildInfo: String {
        let options = String(cString: qf_build_info()).trimmingCharacters(in: .whitespaces)
        return options.isEmpty ? "generic" : options
    }
}
