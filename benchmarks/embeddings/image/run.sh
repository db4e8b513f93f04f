#!/usr/bin/env bash
# run.sh — EfficientNet-Lite0 images/s: Quarry (Swift + OpenBLAS) against the PyTorch
# reference forward pass (scripts/golden/golden_efficientnet.py) on the same machine.
#
#   benchmarks/embeddings/image/run.sh [--quick] [--rounds N] [--no-swift] [--no-pytorch]
#
# Steps: the golden venv (scripts/golden/setup-venv.sh), `swift build -c release
# --product image-bench`, then N rounds (default 3) of image-bench -> quarry-R.jsonl and
# bench_torch.py -> pytorch-R.jsonl, alternating, never together; report.py keeps each
# case's best round -> table.md.
# Results: benchmarks/embeddings/image/results/<UTC timestamp>/ (git-ignored), with
# results/latest pointing at the newest run. Needs models/ (scripts/fetch-models.sh).
# SWIFT_SCRATCH_PATH=DIR builds in DIR instead of .build.
set -euo pipefail

quick=""
rounds=3
run_swift=1
run_torch=1
while [[ $# -gt 0 ]]; do
    arg="$1"
    shift
    case "$arg" in
        --quick) quick="--quick" ;;
        --rounds) rounds="${1:?--rounds needs a number}"; shift ;;
        --no-swift) run_swift=0 ;;
        --no-pytorch) run_torch=0 ;;
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

if [[ $run_swift == 1 ]]; then
    step "swift build -c release --product image-bench"
    scratch=()
    [[ -n "${SWIFT_SCRATCH_PATH:-}" ]] && scratch=(--scratch-path "$SWIFT_SCRATCH_PATH")
    swift build -c release --product image-bench "${scratch[@]}" >&2
    bench="$(swift build -c release --show-bin-path "${scratch[@]}")/image-bench"
fi
if [[ $run_torch == 1 ]]; then
    step "PyTorch reference venv (.venv-golden)"
    bash scripts/golden/setup-venv.sh >&2
fi
for ((r = 1; r <= rounds; r++)); do
    if [[ $run_swift == 1 ]]; then
        step "round $r/$rounds: Quarry"
        "$bench" $quick | tee "$out/quarry-$r.jsonl"
    fi
    if [[ $run_torch == 1 ]]; then
        step "round $r/$rounds: PyTorch reference"
        .venv-golden/bin/python "$here/bench_torch.py" $quick | tee "$out/pytorch-$r.jsonl"
    fi
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
python3 "$here/report.py" --quarry "$out"/quarry-*.jsonl --pytorch "$out"/pytorch-*.jsonl | tee "$out/table.md"
cat "$out/machine.txt"
ln -sfn "$(basename "$out")" "$here/results/latest"
