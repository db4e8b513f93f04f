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

/// A fuzz target: `FuzzSupport` and the Quarry modules it exercises, plus any other dependency.
func fuzzTarget(_ name: String, quarry modules: [String], others: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + modules.map { .product(name: $0, package: "Quarry") } + others
    )
}

let package = Package(
    name: "QuarryFuzz",
    dependencies: [
        .package(name: "Quarry", path: ".."),
        // Builds the Office packages of FuzzDocumentReaders' part mode (the version Quarry uses).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "Embeddings", package: "Quarry")]),
        fuzzTarget("FuzzImageDecoder", quarry: ["Embeddings"]),
        fuzzTarget("FuzzMultipart", quarry: ["QuarryServer"]),
        fuzzTarget("FuzzJSONRequest", quarry: ["Faiss", "QuarryServer"]),
        fuzzTarget("FuzzWordPiece", quarry: ["Embeddings"]),
        fuzzTarget("FuzzSentencePiece", quarry: ["Embeddings"]),
        fuzzTarget(
            "FuzzDocumentReaders", quarry: ["QuarryCore"],
            others: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
    ]
)
