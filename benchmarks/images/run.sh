#!/usr/bin/env bash
# run.sh — image search: import throughput (images/s) and query latency, Quarry against a Python
# reference (benchmarks/reference/images.py: PyTorch EfficientNet-Lite0 with the same weights +
# Pillow + faiss-cpu + SQLite), on the same Fashion-MNIST PNG files.
#
#   benchmarks/images/run.sh [--images N] [--rounds R] [--queries Q]
#
#   --images N   Fashion-MNIST images to import (default 2000; test split first, then training)
#   --rounds R   rounds, each running Quarry then the reference (default 3); the table keeps
#                each side's fastest import and lowest-p50 query round
#   --queries Q  images queried one at a time (default 200): the Q Fashion-MNIST images after the
#                N, which neither side imports (a stored file's bytes would let Quarry skip the
#                network, see ImageCollection.queryVector)
#
# Data: make_data.py writes the N images once as PNG files with metadata.csv (category, price),
# and the Q queries, into benchmarks/images/data/n<N>-q<Q>/ (git-ignored). Each round:
#   Quarry:    `quarry ingest-images --data <fresh temp dir> --collection c --metadata CSV FOLDER`
#              (a whole process under /usr/bin/time -v: wall s, CPU s, peak RSS), then
#              `quarry serve` on a free loopback port and query_http.py POSTing the Q images to
#              /v1/collections/c/search/image (top 10), timed on the client;
#   reference: `images.py import` (a whole process under /usr/bin/time -v), then `images.py query`
#              (decode + embed + search + metadata per image, in-process).
# The reference runs with one torch thread and embeds in batches of 8, its fastest settings on the
# shared 2-core machine (200 images at load average 6.5: batch 32 with torch's default 2 threads
# 54.6 s, with 1 thread 30.5 s; batch 8, 1 thread 18.7 s; batch 1, 1 thread 17.7 s; single queries
# p50 97 ms with 1 thread, 632 ms with 2). QUARRY_BIN selects the quarry binary, else a release
# build (scripts/build-faiss.sh + swift build). Results: benchmarks/images/results/<UTC timestamp>/
# (git-ignored), results/latest -> newest. Needs models/ (scripts/fetch-models.sh), Debian's
# dataset-fashion-mnist and /usr/bin/time (Debian package `time`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
images=2000
rounds=3
queries=200
while [[ $# -gt 0 ]]; do
    arg="$1"
    shift
    case "$arg" in
        --images) images="${1:?--images needs a number}"; shift ;;
        --rounds) rounds="${1:?--rounds needs a number}"; shift ;;
        --queries) queries="${1:?--queries needs a number}"; shift ;;
        -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done
[[ -f "$root/models/efficientnet-lite0/efficientnet-lite0.safetensors" ]] \
    || { echo "run.sh: models/ missing (scripts/fetch-models.sh)" >&2; exit 2; }
cd "$root"
source benchmarks/lib/servers.sh
install_debian_packages time    # /usr/bin/time -v: CPU seconds and peak RSS of each side

step "quarry (QUARRY_BIN, or a release build)"
quarry="$(quarry_binary)"
step "reference venv (image)"
python="$(benchmarks/reference/setup-venv.sh image | tail -n 1)"

data="$here/data/n$images-q$queries"
step "Fashion-MNIST: $images PNG files and $queries queries in $data"
"$python" "$here/make_data.py" --images "$images" --queries "$queries" --out "$data"

out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
ls "$data/queries" > "$out/queries.txt"
# 100 KB PNG uploads (the latency goal of issue #13): the first 40 PNGs of 90 to 115 KiB of
# Debian's openclipart-png when it is installed, drawings with transparency of a few hundred
# pixels a side; neither side stores them. sed, not head, reads all of sort's output: under
# pipefail, head closing the pipe early would end the run (exit 141, SIGPIPE).
uploads="$out/uploads.txt"
if [[ -d /usr/share/openclipart/png ]]; then
    find /usr/share/openclipart/png -type f -name '*.png' -size +90k -size -115k | sort | sed -n '1,40p' > "$uploads"
fi
# Each round's collections go to a fresh folder here, read by report.py, then removed.
work="$(mktemp -d "${TMPDIR:-/tmp}/quarry-images-bench.XXXXXX")"
server=""
cleanup() {
    if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
{
    echo "host: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "quarry: $("$quarry" --version)"
    echo "data: $images Fashion-MNIST PNG files (28 × 28 greyscale), $queries queries"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

for ((r = 1; r <= rounds; r++)); do
    step "round $r/$rounds: Quarry import"
    /usr/bin/time -v -o "$out/quarry-$r.time" \
        "$quarry" ingest-images --data "$work/quarry-$r" --models "$root/models" --collection c \
        --metadata "$data/metadata.csv" "$data/images" | tee "$out/quarry-$r.log"
    step "round $r/$rounds: Quarry queries over HTTP"
    port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    # Scheduled backups off, so that none runs during the timed queries.
    "$quarry" serve --data "$work/quarry-$r" --models "$root/models" --host 127.0.0.1 --port "$port" \
        --log-level warning --backup-interval-hours 0 > "$out/quarry-$r-serve.log" 2>&1 &
    server=$!
    "$python" "$here/query_http.py" --port "$port" --collection c --folder "$data/queries" \
        --queries "$out/queries.txt" | tee "$out/quarry-$r-query.json"
    if [[ -s "$uploads" ]]; then
        "$python" "$here/query_http.py" --port "$port" --collection c --folder / --queries "$uploads" \
            | tee "$out/quarry-$r-upload.json"
    fi
    kill "$server"
    wait "$server" || true
    server=""

    step "round $r/$rounds: reference import"
    /usr/bin/time -v -o "$out/reference-$r.time" \
        "$python" benchmarks/reference/images.py import --folder "$data/images" --metadata "$data/metadata.csv" \
        --out "$work/reference-$r" --batch 8 --threads 1 | tee "$out/reference-$r.log"
    step "round $r/$rounds: reference queries in-process"
    "$python" benchmarks/reference/images.py query --folder "$data/queries" --out "$work/reference-$r" \
        --queries "$out/queries.txt" --threads 1 | tee "$out/reference-$r-query.json"
    if [[ -s "$uploads" ]]; then
        "$python" benchmarks/reference/images.py query --folder / --out "$work/reference-$r" \
            --queries "$uploads" --threads 1 | tee "$out/reference-$r-upload.json"
    fi
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"

step "report"
"$python" "$here/report.py" --results "$out" --work "$work" | tee "$out/table.md"
ln -sfn "$(basename "$out")" "$here/results/latest"
