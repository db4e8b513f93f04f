#!/usr/bin/env bash
# run.sh — the FAISS benchmark in one command: Quarry (Swift, FAISS 1.7.3 built with AVX2
# by scripts/build-faiss.sh, or Debian's binary libfaiss with QUARRY_FAISS_LIB_DIR="")
# against faiss-cpu (PyPI) on the same data, then a Markdown table of both.
#
#   benchmarks/faiss/run.sh [--no-swift] [--no-faiss-cpu]
#
# Steps (each idempotent; run from anywhere):
#   1. Python venv benchmarks/.venv-faiss (setup-venv.sh: numpy + faiss-cpu, pinned)
#   2. data in benchmarks/faiss/data/ (make_data.py; skipped when up to date)
#   3. swift build -c release --product faiss-bench
#   4. .build/release/faiss-bench search benchmarks/faiss/data  -> quarry.jsonl
#   5. bench_faiss.py benchmarks/faiss/data               -> faiss-cpu.jsonl
#   6. report.py quarry.jsonl faiss-cpu.jsonl             -> table.md (and stdout)
# Raw results go to benchmarks/faiss/results/<UTC timestamp>/ (git-ignored);
# benchmarks/faiss/results/latest points at the newest run.
# The two benchmarks run one after the other, never together (2 cores).
#
# --no-swift / --no-faiss-cpu skip one side (its columns then show "–").
set -euo pipefail

run_swift=1
run_faiss=1
for arg in "$@"; do
    case "$arg" in
        --no-swift) run_swift=0 ;;
        --no-faiss-cpu) run_faiss=0 ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
data="benchmarks/faiss/data"

step() { printf '\n==> %s\n' "$*" >&2; }

step "Python venv"
py="$(bash "$here/setup-venv.sh" | tail -n 1)"

step "data ($data)"
"$py" "$here/make_data.py" "$data"

if [[ $run_swift == 1 ]]; then
    step "swift build -c release --product faiss-bench"
    scripts/setup.sh >&2
    # The AVX2 FAISS when setup built it; QUARRY_FAISS_LIB_DIR="" measures Debian's binary.
    source scripts/faiss-env.sh
    echo "FAISS library: ${QUARRY_FAISS_LIB_DIR:-Debian libfaiss-dev}" >&2
    swift build -c release --product faiss-bench >&2
fi

out="benchmarks/faiss/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
: >"$out/quarry.jsonl"
: >"$out/faiss-cpu.jsonl"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "host: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo none)$([[ -z "$(git status --porcelain -- Sources Package.swift 2>/dev/null)" ]] || echo ' + uncommitted changes')"
} >"$out/run-info.txt"
cp "$data/meta.json" "$out/data-meta.json"

if [[ $run_swift == 1 ]]; then
    step "Quarry: .build/release/faiss-bench search $data"
    .build/release/faiss-bench search "$data" | tee "$out/quarry.jsonl"
fi

if [[ $run_faiss == 1 ]]; then
    step "faiss-cpu: bench_faiss.py $data"
    "$py" "$here/bench_faiss.py" "$data" | tee "$out/faiss-cpu.jsonl"
fi

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/run-info.txt"
ln -sfn "$(basename "$out")" benchmarks/faiss/results/latest

step "report ($out/table.md)"
echo >&2
"$py" "$here/report.py" "$out/quarry.jsonl" "$out/faiss-cpu.jsonl" | tee "$out/table.md"
