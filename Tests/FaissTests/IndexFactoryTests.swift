import Faiss
import Testing

/// Factory strings are checked before FAISS sees them: the ones that crashed the process
/// (segfaults, floating-point exceptions) are refused with a typed error.
@Suite struct IndexFactoryTests {
    @Test(arguments: ["IVF0,Flat", "HNSW0,Flat", "PQ0", "OPQ0,Flat", "NSG32,Flat"])
    func factoriesThatCrashedFAISSAreRefused(factory: String) {
        #expect(throws: FaissError.self) { try Index(dimension: 384, factory: factory) }
        #expect {
            try IndexFactory.validate(factory, dimension: 384)
        } throws: { error in
            guard case .invalidFactory(factory, let reason)? = error as? FaissError else { return false }
            return !reason.isEmpty
        }
    }

    @Test(arguments: [
        "", ",", "Flat,", ",Flat", "Flat,Flat", "IVF-1,Flat", "IVF16", "IVF16,Flat,Flat", "IVF99999999999,Flat",
        "HNSW1", "HNSW99999", "HNSW32,PQ8", "PQ7", "PQ8x0", "PQ8x17", "PCA0,Flat", "PCA400,Flat", "OPQ7,IVF16,PQ8",
        "OPQ8_500,Flat", "IVF16_HNSW0,Flat", "IVF16,PQ7", "LSH", "IDMap2,Flat", "Flat,RFlat,RFlat", "RFlat", "SQ9",
    ])
    func malformedOrOutOfRangeFactoriesAreRefused(factory: String) {
        #expect(throws: FaissError.self) { try IndexFactory.validate(factory, dimension: 384) }
    }

    @Test(arguments: [
        "Flat", "HNSW32", "HNSW32,Flat", "HNSW16,SQ8", "IVF1,Flat", "IVF256,Flat", "IVF4096,PQ48", "IVF32,PQ8x4",
        "IVF64,SQ8", "IVF64_HNSW32,Flat", "PQ8", "SQfp16", "PCA64,IVF256,Flat", "OPQ16,IVF64,PQ16", "OPQ16_64,IVF64,PQ16",
        "IVF64,PQ16,RFlat",
    ])
    func supportedFactoriesBuildIndexes(factory: String) throws {
        try IndexFactory.validate(factory, dimension: 384)
        let index = try Index(dimension: 384, factory: factory)
        #expect(index.dimension == 384)
    }

    @Test func productQuantizersMustDivideTheDimensionTheySee() throws {
        try IndexFactory.validate("PCA64,PQ16", dimension: 384)
        #expect(throws: FaissError.self) { try IndexFactory.validate("PCA60,PQ16", dimension: 384) }
        try IndexFactory.validate("PQ7", dimension: 98)
    }

    @Test func invertedListsAreReadFromTheFactoryString() {
        #expect(IndexFactory.invertedLists(in: "IVF1024,Flat") == 1024)
        #expect(IndexFactory.invertedLists(in: "PCA64,IVF256,PQ16") == 256)
        #expect(IndexFactory.invertedLists(in: "IVF64_HNSW32,Flat") == 64)
        #expect(IndexFactory.invertedLists(in: "Flat") == nil)
        #expect(IndexFactory.invertedLists(in: "HNSW32,Flat") == nil)
        #expect(IndexFactory.invertedLists(in: "IVFx,Flat") == nil)
    }
}
