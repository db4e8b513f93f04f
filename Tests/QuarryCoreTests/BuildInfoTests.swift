import Faiss
import QuarryCore
import Testing

@Suite struct BuildInfoTests {
    @Test func summaryNamesTheLinkedFaissBuild() {
        #expect(BuildInfo.summary.hasPrefix("quarry \(BuildInfo.version)"))
        #expect(BuildInfo.summary.contains(FaissRuntime.buildInfo))
        #expect(!BuildInfo.faissBuild.isEmpty)
    }
}
