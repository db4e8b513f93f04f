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
#      (QUARRY_PACKAGE_SCOPE=engine, see Package.swift), built at idle priority beside stages 1 and 2.
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
# The ThreadSanitizer build of the engine layers runs meanwhile on the CPU time the tests leave
# idle (SCHED_IDLE: it never takes a CPU from them), so that its 3 to 4 minutes mostly overlap.
TSAN_LOG="$ROOT/.build-tsan/background-build.log"
mkdir -p "$(dirname "$TSAN_LOG")"
QUARRY_PACKAGE_SCOPE=engine chrt --idle 0 swift build --build-tests --sanitize=thread --scratch-path .build-tsan >"$TSAN_LOG" 2>&1 &
TSAN_BUILD_PID=$!
trap 'kill "$TSAN_BUILD_PID" 2>/dev/null || true' EXIT
stage "swift test (and, beside it at idle priority, swift build --sanitize=thread of the engine layers)"
swift test "${RELEASE_TESTABLE[@]}" --skip-build

stage "system tests"
scripts/system-test.sh "$(swift build "${RELEASE_TESTABLE[@]}" --show-bin-path)/quarry"

stage "waiting for swift build --sanitize=thread (engine layers)"
tsan_status=0
wait "$TSAN_BUILD_PID" || tsan_status=$?
tail -n 5 "$TSAN_LOG"
[ "$tsan_status" -eq 0 ] || { echo "test: the ThreadSanitizer build failed; its log: $TSAN_LOG" >&2; exit "$tsan_status"; }
stage "swift test --sanitize=thread (concurrency stress tests)"
# FAISS's own OpenMP threads run one to a call: libgomp is not instrumented, so
# ThreadSanitizer cannot see its barriers and reports the lists that one FAISS
# call's team fills after another's as races. Quarry serves with one OpenMP
# thread too (ServeCommand); the threads under test here are Quarry's own.
QUARRY_PACKAGE_SCOPE=engine OMP_NUM_THREADS=1 swift test --skip-build --sanitize=thread --scratch-path .build-tsan \
    --filter 'FaissTests\.ConcurrencyTests|LiveUpdateStressTests|testRowSplittingAcrossThreadsGivesTheSameEmbedding|ForkJoinPoolTests|concurrentSearchesSeeWholeCommits'
stage "all tests passed in $((SECONDS - started)) s"
