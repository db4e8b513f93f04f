#!/usr/bin/env bash
# test.sh — set up, then run every test: the Swift test suite, the system
# tests of a release binary (image quality, crash, hostile clients, web UI in
# Chromium, API and raw-HTTP fuzzing), 10 s of each libFuzzer target, and the
# concurrency stress tests again under ThreadSanitizer.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh --with-test-tools
source scripts/faiss-env.sh

echo "== swift test"
swift build --build-tests
swift test --skip-build

echo "== system tests (release build)"
swift build -c release --product quarry
scripts/system-test.sh .build/release/quarry

echo "== libFuzzer targets, 10 s each (make fuzz runs them 10 minutes each)"
scripts/fuzz.sh 10

echo "== swift test --sanitize=thread (concurrency stress tests)"
swift build --build-tests --sanitize=thread --scratch-path .build-tsan
swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter ConcurrencyTests
