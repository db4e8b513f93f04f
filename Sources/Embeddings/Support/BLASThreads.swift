import CBLAS

/// Control of OpenBLAS's thread pool, which fp32 encoders (MiniLM) use for their matrix
/// products. The setting is process-wide.
///
/// Quarry's server runs one BLAS thread per request and parallelises across requests;
/// batch ingestion lets BLAS use every core (see ARCHITECTURE.md, "Threads").
public enum BLASThreads {
    /// Threads OpenBLAS uses per call.
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Sets the threads OpenBLAS uses per call. Call it before encoding starts, not while
    /// other threads are inside BLAS.
    public static func set(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
}
