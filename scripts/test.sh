#!/usr/bin/env bash
# test.sh — set up, then run every test:
#   0. lint: `swift format lint --strict` over Sources and Tests (the toolchain's formatter, .swift-format),
#      and a doc comment on every public type (scripts/check-doc-comments.py);
#   1. the Swift test suite, on one optimised build with testing enabled (the
#      same build gives the binary that the system tests run);
#   2. the system tests of that binary (image quality, crash, hostile clients,
#      web UI in Chromium, API and raw-HTTP fuzzing);
#   3. the concurrency stress tests, the fork-join pool, and one image embedded with its layers split
#      among threads, again under ThreadSanitizer, on the engine layers only
#      (QUARRY_PACKAGE_SCOPE=engine, see Package.swift).
# Each stage prints how long it took. The libFuzzer targets run under `make fuzz`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

started=$SECONDS
source scripts/lib/stage.sh

stage "setup"
scripts/setup.sh --with-test-tools
source scripts/faiss-env.sh

stage "lint: swift format, doc comments"
swift format lint --strict --recursive --parallel Sources Tests Package.swift
scripts/check-doc-comments.py

# -enable-testing lets the tests `@testable import` an optimised build.
RELEASE_TESTABLE=(-c release -Xswiftc -enable-testing)
stage "swift build (release, testable)"
swift build "${RELEASE_TESTABLE[@]}" --build-tests
stage "swift test"
swift test "${RELEASE_TESTABLE[@]}" --skip-build

stage "system tests"
scripts/system-test.sh "$(swift build "${RELEASE_TESTABLE[@]}" --show-bin-path)/quarry"

stage "swift build --sanitize=thread (engine layers)"
export QUARRY_PACKAGE_SCOPE=engine
swift build --build-tests --sanitize=thread --scratch-path .build-tsan
stage "swift test --sanitize=thread (concurrency stress tests)"
# FAISS's own OpenMP threads run one to a call: libgomp is not instrumented, so
# ThreadSanitizer cannot see its barriers and reports the lists that one FAISS
# call's team fills after another's as races. Quarry serves with one OpenMP
# thread too (ServeCommand); the threads under test here are Quarry's own.
OMP_NUM_THREADS=1 swift test --skip-build --sanitize=thread --scratch-path .build-tsan \
    --filter 'FaissTests\.ConcurrencyTests|LiveUpdateStressTests|testRowSplittingAcrossThreadsGivesTheSameEmbedding|ForkJoinPoolTests|concurrentSearchesSeeWholeCommits'
stage "all tests passed in $((SECONDS - started)) s"
