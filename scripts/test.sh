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
#      (QUARRY_PACKAGE_SCOPE=engine, see Package.swift), built and run at idle priority beside
#      stages 1 and 2.
# Each stage prints how long it took. The libFuzzer targets run under `make fuzz`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

started=$SECONDS
source scripts/lib/stage.sh
source scripts/lib/processes.sh

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
# The ThreadSanitizer lane: the engine layers (QUARRY_PACKAGE_SCOPE=engine) built with
# ThreadSanitizer, then their concurrency stress tests, at idle priority (SCHED_IDLE: it only
# takes CPU time the other tests leave, never a CPU from them), beside the Swift and system tests.
# FAISS's own OpenMP threads run one to a call: libgomp is not instrumented, so
# ThreadSanitizer cannot see its barriers and reports the lists that one FAISS
# call's team fills after another's as races. Quarry serves with one OpenMP
# thread too (ServeCommand); the threads under test here are Quarry's own.
tsan_lane() {
    chrt --idle -p 0 "$BASHPID" >/dev/null
    export QUARRY_PACKAGE_SCOPE=engine
    swift build --build-tests --sanitize=thread --scratch-path .build-tsan
    echo "== ThreadSanitizer build done after $((SECONDS - started)) s of make test"
    OMP_NUM_THREADS=1 swift test --skip-build --sanitize=thread --scratch-path .build-tsan \
        --filter 'FaissTests\.ConcurrencyTests|LiveUpdateStressTests|testRowSplittingAcrossThreadsGivesTheSameEmbedding|ForkJoinPoolTests|concurrentSearchesSeeWholeCommits'
}
TSAN_LOG="$ROOT/.build-tsan/lane.log"
mkdir -p "$(dirname "$TSAN_LOG")"
tsan_lane >"$TSAN_LOG" 2>&1 &
TSAN_LANE_PID=$!
trap 'stop_tree "$TSAN_LANE_PID"' EXIT
stage "swift test (and beside it, at idle priority, the ThreadSanitizer lane)"
swift test "${RELEASE_TESTABLE[@]}" --skip-build

stage "system tests"
scripts/system-test.sh "$(swift build "${RELEASE_TESTABLE[@]}" --show-bin-path)/quarry"

stage "waiting for the ThreadSanitizer lane (build, then the concurrency stress tests)"
tsan_status=0
wait "$TSAN_LANE_PID" || tsan_status=$?
grep -E '^== |Executed|Test run|warning: ThreadSanitizer|error:' "$TSAN_LOG" || true
[ "$tsan_status" -eq 0 ] || { tail -n 100 "$TSAN_LOG"; echo "test: the ThreadSanitizer lane failed; its log: $TSAN_LOG" >&2; exit "$tsan_status"; }
stage "all tests passed in $((SECONDS - started)) s"
