#!/usr/bin/env bash
# run.sh — the cluster benchmark (make bench-cluster): one node in cluster mode against the same
# binary serving the course alone, search QPS through nginx over 1, 2 and 3 nodes, write
# throughput, and replication lag at 50 documents/s (benchmarks/cluster/bench.py).
#
#   benchmarks/cluster/run.sh [--duration S]
#
# QUARRY_BIN=path uses that quarry binary instead of a release build. Results go to
# benchmarks/cluster/results/<UTC timestamp>/ (git-ignored): results.json and table.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
scripts/setup.sh --with-test-tools
command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null || sudo apt-get install -y -qq wrk >/dev/null; }
if [ -z "${QUARRY_BIN:-}" ]; then
    source scripts/faiss-env.sh
    swift build -c release --product quarry
    QUARRY_BIN="$(swift build -c release --show-bin-path)/quarry"
fi
out="benchmarks/cluster/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
python3 benchmarks/cluster/bench.py --quarry "$QUARRY_BIN" --out "$out" "$@"
ln -sfn "$(basename "$out")" benchmarks/cluster/results/latest
