#!/usr/bin/env bash
# test.sh — set up, then run every test: the Swift test suite, and the
# concurrency stress tests again under ThreadSanitizer.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh

echo "== swift test"
swift build --build-tests
swift test --skip-build

echo "== swift test --sanitize=thread (concurrency stress tests)"
swift build --build-tests --sanitize=thread --scratch-path .build-tsan
swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter ConcurrencyTests
