// swift-tools-version:6.0
//
// Quarry: a semantic search server and toolkit on FAISS.
//
// Layers (a module only imports modules listed below it):
//
//   quarry (CLI)   QuarryServer (HTTP)   QuarryCluster (PostgreSQL change log)
//          \              |              /
//                     QuarryCore
//           /          \
//     Embeddings       Faiss
//     (CBLAS, ...)       |
//                      CFaiss (extern "C" shim over libfaiss.a)
//
//     QuarryCore also ranks keywords through CXapian (extern "C" shim over libxapian).
import Foundation
import PackageDescription

/// FAISS is Debian's libfaiss.a, or, when QUARRY_FAISS_LIB_DIR names a folder,
/// the libfaiss_avx2.a in it: scripts/build-faiss.sh builds Debian's same source
/// with AVX2 kernels and the project's scripts pass its folder here.
let faissLibraryFolder = ProcessInfo.processInfo.environment["QUARRY_FAISS_LIB_DIR"].flatMap { $0.isEmpty ? nil : $0 }
let faissLinkerSettings: [LinkerSetting] =
    faissLibraryFolder.map {
        [.unsafeFlags(["-L\($0)"]), .linkedLibrary("faiss_avx2")]
    } ?? [.linkedLibrary("faiss")]

let package = Package(
    name: "Quarry",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "quarry", targets: ["quarry"]),
        .library(name: "Faiss", targets: ["Faiss"]),
        .library(name: "Embeddings", targets: ["Embeddings"]),
        .library(name: "QuarryCore", targets: ["QuarryCore"]),
        .library(name: "QuarryServer", targets: ["QuarryServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // MARK: FAISS binding

        .target(
            name: "CFaiss",
            cxxSettings: [
                .headerSearchPath("omp"),
                .define("FINTEGER", to: "int"),
            ],
            linkerSettings: faissLinkerSettings + [
                .linkedLibrary("openblas"),
                .linkedLibrary("gomp"),
                .linkedLibrary("m"),
                .linkedLibrary("stdc++"),
            ]
        ),
        .target(name: "Faiss", dependencies: ["CFaiss"]),

        // MARK: Keyword index

        .target(
            name: "CXapian",
            linkerSettings: [.linkedLibrary("xapian"), .linkedLibrary("stdc++")]
        ),

        // MARK: Embeddings

        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .target(name: "CQuantKernels"),
        .systemLibrary(name: "CVips", path: "Sources/CVips", pkgConfig: "vips"),
        .target(
            name: "CImageCodecs",
            dependencies: ["CVips"]
        ),
        .target(name: "Embeddings", dependencies: ["CBLAS", "CQuantKernels", "CImageCodecs"]),

        // MARK: Engine, server, CLI

        .target(
            name: "QuarryCore",
            dependencies: [
                "Faiss",
                "Embeddings",
                "COpenSSL",
                "CXapian",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "QuarryServer",
            dependencies: [
                "Embeddings",
                "QuarryCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            // The web UI is compiled into the binary: nothing to install beside it.
            resources: [
                .embedInCode("Resources/web/index.html"),
                .embedInCode("Resources/web/app.js"),
                .embedInCode("Resources/web/style.css"),
                .embedInCode("Resources/web/docs.html"),
                .embedInCode("Resources/web/docs.js"),
                .embedInCode("Resources/openapi.json"),
            ]
        ),
        .target(
            name: "QuarryCluster",
            dependencies: [
                "QuarryCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "quarry",
            dependencies: [
                "Embeddings",
                "QuarryCore",
                "QuarryServer",
                "QuarryCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        // MARK: Benchmarks

        .executableTarget(
            name: "faiss-bench",
            dependencies: ["Faiss"],
            path: "benchmarks/faiss/Sources"
        ),
        .executableTarget(
            name: "scale-bench",
            dependencies: ["Faiss"],
            path: "benchmarks/scale/Sources"
        ),
        .executableTarget(
            name: "image-bench",
            dependencies: ["Embeddings", "CBLAS"],
            path: "benchmarks/embeddings/image/Sources"
        ),
        .executableTarget(
            name: "filter-bench",
            dependencies: ["Embeddings", "QuarryCore", .product(name: "Logging", package: "swift-log")],
            path: "benchmarks/images/filters/Sources"
        ),
        .executableTarget(
            name: "text-scale-bench",
            dependencies: [
                "QuarryCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "benchmarks/text-scale/Sources"
        ),
        .executableTarget(
            name: "text-bench",
            dependencies: ["Embeddings"],
            path: "benchmarks/embeddings/text/Sources"
        ),

        // MARK: Tests

        .testTarget(name: "FaissTests", dependencies: ["Faiss"]),
        .testTarget(name: "EmbeddingsTests", dependencies: ["Embeddings"], exclude: ["Fixtures"]),
        .testTarget(name: "QuarryCoreTests", dependencies: ["QuarryCore"], exclude: ["Fixtures"]),
        .testTarget(name: "QuarryClusterTests", dependencies: ["QuarryCluster"]),
        .testTarget(
            name: "QuarryServerTests",
            dependencies: [
                "QuarryServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    cxxLanguageStandard: .cxx17
)

/// `QUARRY_PACKAGE_SCOPE=engine` keeps only the engine layers (FAISS binding, embeddings,
/// QuarryCore) and the test targets that hold the tests of concurrent code: scripts/test.sh
/// builds that scope under ThreadSanitizer without compiling the server and its dependencies.
if ProcessInfo.processInfo.environment["QUARRY_PACKAGE_SCOPE"] == "engine" {
    let engineTargets: Set = [
        "CFaiss", "Faiss", "CXapian", "CBLAS", "COpenSSL", "CQuantKernels", "CVips", "CImageCodecs", "Embeddings", "QuarryCore",
        "FaissTests", "EmbeddingsTests", "QuarryCoreTests",
    ]
    package.targets.removeAll { !engineTargets.contains($0.name) }
    package.products.removeAll { !engineTargets.contains($0.name) }
}
