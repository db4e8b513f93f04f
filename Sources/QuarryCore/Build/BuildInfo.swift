import Faiss

/// What this Quarry binary is and what it runs on.
public enum BuildInfo {
    /// Quarry's release version.
    public static let version = "0.1.0"

    /// The linked FAISS library's compile options (e.g. "OPTIMIZE AVX2" or "generic").
    public static var faissBuild: String { FaissRuntime.buildInfo }

    /// One line for `quarry --version` and start-up logs.
    public static var summary: String { "quarry \(version) (FAISS 1.7.3, \(faissBuild))" }
}
