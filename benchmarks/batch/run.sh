#!/usr/bin/env bash
# run.sh — batch text search (POST …/search/batch) against as many single searches, on the
# easy-vecdb course: `quarry ingest` into a fresh folder, `quarry serve --cache-size 0` on a free
# loopback port, then batch_search.py (5 rounds of 32 questions of eval/easy-vecdb-questions.jsonl
# never asked before). QUARRY_BIN selects the binary, else a release build. Results:
# benchmarks/batch/results/<UTC timestamp>/ (git-ignored), results/latest -> newest.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
source benchmarks/lib/servers.sh
quarry="$(quarry_binary)"
out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
work="$(mktemp -d "${TMPDIR:-/tmp}/quarry-batch-bench.XXXXXX")"
server=""
cleanup() {
    if [[ -n "$server" ]]; then kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
{
    echo "host: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "quarry: $("$quarry" --version)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"
step "ingest the easy-vecdb course"
"$quarry" ingest --data "$work" --models models --collection course courses/easy-vecdb > "$out/ingest.log"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$quarry" serve --data "$work" --models models --host 127.0.0.1 --port "$port" --cache-size 0 \
    --log-level warning --backup-interval-hours 0 > "$out/serve.log" 2>&1 &
server=$!
wait_ready "http://127.0.0.1:$port" "$server"
step "5 rounds: 32 questions as one batch, then one by one"
python3 "$here/batch_search.py" --port "$port" --collection course --questions eval/easy-vecdb-questions.jsonl \
    | tee "$out/result.json"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
ln -sfn "$(basename "$out")" "$here/results/latest"
