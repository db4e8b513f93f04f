import Faiss
import Foundation
import Testing

/// The linked FAISS is the build the scripts asked for: the AVX2 library that
/// scripts/build-faiss.sh makes when QUARRY_FAISS_LIB_DIR names it, Debian's
/// SIMD-less binary package otherwise.
@Suite struct BuildTests {
    @Test func linkedLibraryMatchesTheRequestedBuild() {
        let avx2Requested = !(ProcessInfo.processInfo.environment["QUARRY_FAISS_LIB_DIR"] ?? "").isEmpty
        if avx2Requested {
            #expect(FaissRuntime.buildInfo.contains("AVX2"))
        } else {
            #expect(FaissRuntime.buildInfo.contains("GENERIC"))
        }
    }
}
