#!/usr/bin/env bash
# run.sh — course search at platform scale through the HTTP API: a text collection of
# 1,000,000 passages recombined from the easy-vecdb course (text-scale-bench: real course
# sentences, so the keyword index is built from real text; vectors are perturbed copies of the
# real passages' e5-small vectors), served by `quarry serve`, then hybrid and vector searches
# of unique questions at 1 client (benchmarks/lib/search_latency.py), p50/p95/p99.
#
#   benchmarks/text-scale/run.sh [--passages N] [--rounds R]
#
#   --passages N   passages of the collection (default 1000000)
#   --rounds R     passes over the 205 own and dev questions, each with a unique suffix (default 2)
#
# Environment: QUARRY_BIN (a built quarry binary; default: a release build here), and
# SWIFT_SCRATCH (swift build's scratch path for text-scale-bench, default .build).
#
# Steps (each cached): `quarry ingest` of courses/easy-vecdb into data/seed; text-scale-bench
# into data/n<N> (resumed when interrupted: about 2,000 passages a second on 2 cores, slower as
# the HNSW graph grows); the measurement into results/<UTC time>/table.md with the machine, the
# collection's size on disk and the load average.
set -euo pipefail

passages=1000000
rounds=2
while [[ $# -gt 0 ]]; do
    case "$1" in
        --passages) passages="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
source benchmarks/lib/servers.sh
data="$here/data"
scratch="${SWIFT_SCRATCH:-.build}"

quarry="$(quarry_binary)"
step "swift build -c release --product text-scale-bench"
source scripts/faiss-env.sh
swift build -c release --product text-scale-bench --scratch-path "$scratch" >&2
bench="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/text-scale-bench"

if [[ ! -d $data/seed/easy-vecdb ]]; then
    step "seed: quarry ingest courses/easy-vecdb"
    "$quarry" ingest --data "$data/seed" --models models --collection easy-vecdb courses/easy-vecdb >&2
fi
step "collection: $passages recombined passages (data/n$passages)"
"$bench" --seed-data "$data/seed" --data "$data/n$passages" --models models --passages "$passages" >&2

out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
record_run "$out" "collection: $passages passages, $(du -sh "$data/n$passages/recombined" | cut -f1) on disk"
port=$((20000 + RANDOM % 20000))
# No scheduled backup: the first one would start at once and copy the collection while it is measured.
"$quarry" serve --data "$data/n$passages" --models models --host 127.0.0.1 --port "$port" --backup-interval-hours 0 \
    >"$out/serve.log" 2>&1 &
server=$!
trap 'kill "$load_sampler" "$server" 2>/dev/null || true' EXIT
# Opening a million passages takes minutes: SQLite's quick_check of the store, the index's SHA-256.
wait_ready "http://127.0.0.1:$port" "$server" 900

step "searches (1 client, $rounds rounds)"
python3 benchmarks/lib/search_latency.py --url "http://127.0.0.1:$port" --collection recombined --rounds "$rounds" \
    eval/easy-vecdb-questions.jsonl eval/course-qa-dev.jsonl | tee "$out/table.md"
ln -sfn "$(basename "$out")" "$here/results/latest"
