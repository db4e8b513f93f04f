#!/usr/bin/env bash
# run.sh — the scale benchmark in one command: 1,000,000 synthetic 384-d vectors
# clustered around real e5-small passage embeddings, indexed as Flat, HNSW32,
# IVF4096,Flat and IVF4096,PQ48 (inner product), then a Markdown table of build
# time, index file size, peak RSS of a searching process, single-query p50/p99
# latency on one FAISS thread (and the p99 of the thread's CPU time, which leaves
# out time spent descheduled on a busy machine) and recall@10 against exact search.
#
#   benchmarks/scale/run.sh [--vectors N] [--queries Q] [--training-vectors T] [--seed S] [--indexes A,B]
#
#   --vectors N            base vectors (default 1000000; e.g. 100000 for a quick run)
#   --queries Q            held-out queries (default 1000)
#   --training-vectors T   vectors the IVF indexes train on, sampled from the base
#                          (default 262144 = 64 per list; 0 = all, which FAISS
#                          subsamples to 256 per list, about 4× the training time)
#   --seed S               generator seed (default 20261125)
#   --indexes A,B          only these index slugs (default all; `scale-bench indexes` lists them)
#
# Environment: SWIFT_SCRATCH (swift build's scratch path, default .build),
# QUARRY (a built quarry binary for the one-time ingest; default: built here),
# CORPUS (default courses/easy-vecdb).
#
# Steps (each cached; run from anywhere):
#   1. scripts/setup.sh (Debian packages, models, the AVX2 FAISS), the sqlite3 CLI
#   2. swift build -c release --product scale-bench (and quarry when QUARRY is unset)
#   3. seeds: `quarry ingest` of the easy-vecdb course with e5-small into
#      data/collection, its stored vectors exported with sqlite3 -> data/seeds.hex
#   4. scale-bench generate + truth            -> data/n<N>/ (base, queries, exact top-10)
#   5. per index: scale-bench build (every core; skipped when data/n<N>/indexes/ has it),
#      then scale-bench search in a fresh process -> results/<UTC time>/<index>.json
#   6. scale-bench report                      -> results/<UTC time>/table.md and stdout
# data/ and results/ are git-ignored; results/latest points at the newest run, whose
# run-info.txt records the machine and the load average sampled every 30 s.
#
# Why the Faiss binding and not a collection: a LiveIndex exists only inside an opened
# collection (its initializer is internal), whose SQLite store would need a million
# passages with text and keyword index to hold these vectors; feeding it is not cheap.
# So scale-bench uses the `Faiss` module directly: a collection's vector search is
# `index.current.search(query, k:, parameters:)` on its LiveIndex, the same
# Index.search(_:k:parameters:) call timed here, with the same IDMap2/IVF id handling.
set -euo pipefail

vectors=1000000
queries=1000
training=262144
seed=20261125
indexes=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --vectors) vectors="$2"; shift 2 ;;
        --queries) queries="$2"; shift 2 ;;
        --training-vectors) training="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --indexes) indexes="$2"; shift 2 ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
scratch="${SWIFT_SCRATCH:-.build}"
corpus="${CORPUS:-$root/courses/easy-vecdb}"
data="$here/data"
dataset="$data/n$vectors"

step() { printf '\n==> %s\n' "$*" >&2; }

step "setup (scripts/setup.sh)"
scripts/setup.sh >&2
if ! command -v sqlite3 >/dev/null 2>&1; then
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends sqlite3 >&2
fi
QUARRY_FAISS_LIB_DIR="$(scripts/build-faiss.sh)"
export QUARRY_FAISS_LIB_DIR

step "swift build -c release --product scale-bench --scratch-path $scratch"
swift build -c release --product scale-bench --scratch-path "$scratch" >&2
bench="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/scale-bench"

if [[ ! -s $data/seeds.hex ]]; then
    step "seeds: e5-small vectors of $corpus"
    [[ -d $corpus ]] || { echo "run.sh: no corpus at $corpus (set CORPUS)" >&2; exit 1; }
    quarry="${QUARRY:-}"
    if [[ -z $quarry ]]; then
        swift build -c release --product quarry --scratch-path "$scratch" >&2
        quarry="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/quarry"
    fi
    "$quarry" ingest --data "$data/collection" --models models --collection easy-vecdb --model e5-small "$corpus" >&2
    sqlite3 -noheader "$data/collection/easy-vecdb/store.sqlite" \
        "SELECT hex(vector) FROM passages ORDER BY id" >"$data/seeds.hex.partial"
    mv "$data/seeds.hex.partial" "$data/seeds.hex"
fi

step "data ($dataset)"
"$bench" generate --seeds "$data/seeds.hex" --data "$dataset" --vectors "$vectors" --queries "$queries" --seed "$seed"
"$bench" truth --data "$dataset"

out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "host: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "data: $dataset ($vectors vectors, $queries queries, seed $seed, IVF training vectors $training)"
    echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo none)$([[ -z "$(git status --porcelain -- Sources Package.swift benchmarks/scale 2>/dev/null)" ]] || echo ' + uncommitted changes')"
} >"$out/run-info.txt"

# The load average, every 30 s while the benchmark runs: other work moves every figure.
(while true; do echo "$(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/load.txt"; sleep 30; done) &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT

selected="${indexes//,/ }"
[[ -n $selected ]] || selected="$("$bench" indexes)"
for index in $selected; do
    "$bench" indexes | grep -qx "$index" || { echo "run.sh: unknown index $index" >&2; exit 2; }
done
for index in $selected; do
    step "$index: build"
    "$bench" build --data "$dataset" --index "$index" --training-vectors "$training"
    step "$index: search (fresh process)"
    "$bench" search --data "$dataset" --index "$index" >"$out/$index.json"
done

kill "$sampler" 2>/dev/null || true
awk 'NR == 1 { low = high = $2 } $2 < low { low = $2 } $2 > high { high = $2 }
     END { printf "load average (1 min) during the run: %s–%s\n", low, high }' "$out/load.txt" >>"$out/run-info.txt"
ln -sfn "$(basename "$out")" "$here/results/latest"

step "report ($out/table.md)"
{
    "$bench" report --data "$dataset" --results "$out"
    echo
    echo "Machine: $(sed -n 's/^host: //p' "$out/run-info.txt"); $(tail -n 1 "$out/run-info.txt")."
} | tee "$out/table.md"
