// swift-tools-version:5.4
//
// libFuzzer targets for the code in Quarry that parses untrusted bytes. A separate package so
// that the fuzzing flags never reach the main build; scripts/fuzz.sh builds each target with
//
//   source scripts/faiss-env.sh
//   swift build -c release --package-path fuzz --scratch-path fuzz/.build --sanitize=address \
//     -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -enable-testing \
//     -Xcc -fsanitize=fuzzer-no-link --product <Target>
//
// and runs it.
//
// Each executable target defines `LLVMFuzzerTestOneInput`; libFuzzer supplies `main`. That is
// why the tools version is 5.4: from 5.5 on, SwiftPM links an executable with `main` aliased to
// the module's own entry point (`<Target>_main`, so that tests can link executables), which a
// module built with `-parse-as-library` does not have. `-enable-testing` lets the targets
// `@testable import` the internal request types.
import PackageDescription

let package = Package(
    name: "QuarryFuzz",
    dependencies: [
        .package(name: "Quarry", path: ".."),
        // Builds the Office packages of FuzzDocumentReaders' part mode (the version Quarry uses).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "Embeddings", package: "Quarry")]),
        .executableTarget(
            name: "FuzzImageDecoder",
            dependencies: ["FuzzSupport", .product(name: "Embeddings", package: "Quarry")]
        ),
        .executableTarget(
            name: "FuzzMultipart",
            dependencies: ["FuzzSupport", .product(name: "QuarryServer", package: "Quarry")]
        ),
        .executableTarget(
            name: "FuzzJSONRequest",
            dependencies: [
                "FuzzSupport",
                .product(name: "Faiss", package: "Quarry"),
                .product(name: "QuarryServer", package: "Quarry"),
            ]
        ),
        .executableTarget(
            name: "FuzzWordPiece",
            dependencies: ["FuzzSupport", .product(name: "Embeddings", package: "Quarry")]
        ),
        .executableTarget(
            name: "FuzzSentencePiece",
            dependencies: ["FuzzSupport", .product(name: "Embeddings", package: "Quarry")]
        ),
        .executableTarget(
            name: "FuzzDocumentReaders",
            dependencies: [
                "FuzzSupport",
                .product(name: "QuarryCore", package: "Quarry"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ]
)
