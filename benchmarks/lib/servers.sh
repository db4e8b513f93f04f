# servers.sh — shell functions shared by the HTTP benchmarks (sourced, not run).
# Expects the repository root as the working directory.

# step MESSAGE: a progress heading on stderr.
step() { printf '\n==> %s\n' "$*" >&2; }

# record_run OUT LINE...: creates OUT, writes OUT/run-info.txt (date, machine, the given lines,
# git revision) and samples the load average into OUT/load.txt every 30 s in the background
# ($load_sampler is its pid, for the caller's EXIT trap).
record_run() {
    local out="$1"
    shift
    mkdir -p "$out"
    {
        echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
        echo "host: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
        printf '%s\n' "$@"
        echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo none)"
    } >"$out/run-info.txt"
    (while true; do echo "$(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/load.txt"; sleep 30; done) &
    load_sampler=$!
}

# install_debian_packages NAME...: installs the missing ones (as root or through sudo).
install_debian_packages() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    local sudo=""
    [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# quarry_binary: prints the quarry binary to measure: $QUARRY_BIN, or a fresh
# release build linked with the AVX2 FAISS (scripts/setup.sh first).
quarry_binary() {
    if [[ -n "${QUARRY_BIN:-}" ]]; then
        echo "$QUARRY_BIN"
        return
    fi
    scripts/setup.sh >&2
    source scripts/faiss-env.sh
    swift build -c release --product quarry >&2
    echo "$(swift build -c release --show-bin-path)/quarry"
}

# wait_ready URL PID [SECONDS]: waits up to SECONDS (default 120) for URL/ready; fails at once if PID exits.
wait_ready() {
    local url="$1" pid="$2" limit="${3:-120}"
    local deadline=$((SECONDS + limit))
    while [[ $SECONDS -lt $deadline ]]; do
        kill -0 "$pid" 2>/dev/null || { echo "server $pid exited before it was ready" >&2; return 1; }
        curl -sf -o /dev/null "$url/ready" && return 0
        sleep 0.3
    done
    echo "$url/ready did not answer within $limit s" >&2
    return 1
}

# questions_file: prints a file of the course-qa-dev questions, one JSON string
# literal a line (the format benchmarks/http/search.lua reads).
questions_file() {
    local file="${TMPDIR:-/tmp}/quarry-bench-questions.txt"
    python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        print(json.dumps(json.loads(line)["question"], ensure_ascii=False))
' eval/course-qa-dev.jsonl >"$file"
    echo "$file"
}

# run_wrk URL COLLECTION CLIENTS SECONDS: one wrk run of unique questions (one
# connection per client, after a 2 s warm-up) with benchmarks/http/search.lua;
# prints {"qps", "p50_ms", "p95_ms", "p99_ms", "errors"} as JSON.
run_wrk() {
    local url="$1" clients="$3" seconds="$4" questions
    questions="$(questions_file)"
    local wrk_run=(wrk -t "$clients" -c "$clients" --timeout 30s -s benchmarks/http/search.lua "$url")
    BENCH_QUERIES="$questions" BENCH_COLLECTION="$2" BENCH_VARIANT=unique BENCH_SALT="w$RANDOM" \
        "${wrk_run[@]}" -d 2s >/dev/null
    BENCH_QUERIES="$questions" BENCH_COLLECTION="$2" BENCH_VARIANT=unique BENCH_SALT="m$RANDOM" \
        "${wrk_run[@]}" -d "${seconds}s" | sed -n 's/^BENCH_JSON //p' | python3 -c '
import json, sys
r = json.load(sys.stdin)
errors = sum(v for k, v in r.items() if k.startswith("errors_"))
ms = {q: r["latency_us"][q] / 1000 for q in ("p50", "p95", "p99")}
print(json.dumps({"qps": r["requests"] / (r["duration_us"] / 1e6), "p50_ms": ms["p50"],
                  "p95_ms": ms["p95"], "p99_ms": ms["p99"], "errors": errors}))'
}
