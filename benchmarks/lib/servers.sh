# servers.sh — shell functions shared by the HTTP benchmarks (sourced, not run).
# Expects the repository root as the working directory.

# step MESSAGE: a progress heading on stderr.
step() { printf '\n==> %s\n' "$*" >&2; }

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

# wait_ready URL PID: waits up to 120 s for URL/ready; fails at once if PID exits.
wait_ready() {
    local url="$1" pid="$2" deadline=$((SECONDS + 120))
    while [[ $SECONDS -lt $deadline ]]; do
        kill -0 "$pid" 2>/dev/null || { echo "server $pid exited before it was ready" >&2; return 1; }
        curl -sf -o /dev/null "$url/ready" && return 0
        sleep 0.3
    done
    echo "$url/ready did not answer within 120 s" >&2
    return 1
}

# questions_file: prints a file of the course-qa-dev questions, one per line,
# JSON-escaped without quotes (the format benchmarks/lib/search.lua reads).
questions_file() {
    local file="${TMPDIR:-/tmp}/quarry-bench-questions.txt"
    python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        print(json.dumps(json.loads(line)["question"], ensure_ascii=False)[1:-1])
' ../shared/eval/course-qa-dev.jsonl >"$file"
    echo "$file"
}

# run_wrk URL COLLECTION CLIENTS SECONDS [unique|repeated] [MODE]: one wrk run
# (one connection per client, after a 2 s warm-up); prints search.lua's JSON summary.
run_wrk() {
    local url="$1" collection="$2" clients="$3" seconds="$4" variant="${5:-unique}" mode="${6:-vector}"
    local threads=$((clients < 2 ? clients : 2)) questions
    questions="$(questions_file)"
    wrk -t "$threads" -c "$clients" -d 2s -s benchmarks/lib/search.lua "$url" -- \
        "$collection" "$questions" "$variant" "$mode" >/dev/null
    wrk -t "$threads" -c "$clients" -d "${seconds}s" --timeout 10s -s benchmarks/lib/search.lua "$url" -- \
        "$collection" "$questions" "$variant" "$mode" | tail -n 1
}
