#!/usr/bin/env bash
# run.sh — two Quarry replicas behind nginx on loopback: the primary/replica split
# is checked, then search throughput is measured with 1 and with 2 replicas.
#
#   benchmarks/replicas/run.sh [--duration S] [--concurrency "16 64"]
#
# Steps (nginx and wrk come from Debian; QUARRY_BIN skips the release build):
#   1. primary data: the easy-vecdb course as collection `course` (e5-small)
#   2. replica data: restored from a snapshot of the primary (deploy/replica-sync.sh)
#   3. nginx with deploy/nginx/quarry-replicas.conf (ports rewritten): reads to
#      both servers, writes to the primary
#   4. checks, failing the script when broken: a document written through nginx
#      reaches the primary only; after a sync the replica answers it too; while
#      the replica is down for a sync, every read through nginx still succeeds
#   5. wrk through nginx, unique questions (no cache hits), for: the primary alone,
#      primary + replica, and both again with each server pinned to its own core
#      (taskset), which is what one machine per replica gives
# Results: benchmarks/replicas/results/<UTC timestamp>/ (table.md, wrk output, logs).
set -euo pipefail

duration=15
concurrency="16 64"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) duration="$2"; shift 2 ;;
        --concurrency) concurrency="$2"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
source benchmarks/lib/servers.sh

step "Debian packages (nginx, wrk) and the release build"
install_debian_packages nginx wrk
quarry="$(quarry_binary)"
export QUARRY="$quarry" QUARRY_MODELS="$root/models"

data="$here/data"
primary="$data/primary"
replica="$data/replica"
out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out" "$data"
ln -sfn "$(basename "$out")" "$here/results/latest"

step "primary data ($primary)"
"$quarry" ingest --data "$primary" --collection course --model e5-small "$root/courses/easy-vecdb" >"$out/ingest.log"
step "replica data from a snapshot of the primary"
rm -rf "$replica" "$data/snapshots"
deploy/replica-sync.sh "$primary" "$replica" "$data/snapshots" >"$out/sync.log"

token_file="$data/admin-token"
echo "replica-benchmark-token" >"$token_file"
nginx_port=18180 primary_port=18181 replica_port=18182

# start_quarry NAME DATA PORT [CPU]: serves DATA on PORT (pinned to CPU when given).
start_quarry() {
    local name="$1" folder="$2" port="$3" cpu="${4:-}"
    local pin=()
    [[ -n "$cpu" ]] && pin=(taskset -c "$cpu")
    "${pin[@]}" "$quarry" serve --data "$folder" --models "$root/models" --port "$port" \
        --admin-token-file "$token_file" --cache-size 0 --latency-objective-ms 600000 --hard-limit 2000 \
        --backup-interval-hours 0 >>"$out/$name.log" 2>&1 &
    echo $! >"$data/$name.pid"
    wait_ready "http://127.0.0.1:$port" "$(cat "$data/$name.pid")"
}

stop_quarry() {
    local pid_file="$data/$1.pid"
    [[ -f "$pid_file" ]] || return 0
    kill "$(cat "$pid_file")" 2>/dev/null || true
    wait "$(cat "$pid_file")" 2>/dev/null || true
    rm -f "$pid_file"
}

# start_nginx REPLICAS: nginx on nginx_port in front of the primary, plus the replica when REPLICAS is 2.
start_nginx() {
    local prefix="$data/nginx"
    mkdir -p "$prefix/logs"
    local site
    site="$(sed -e "s/127.0.0.1:8080/127.0.0.1:$nginx_port/" \
                -e "s/127.0.0.1:8081/127.0.0.1:$primary_port/g" \
                -e "s/127.0.0.1:8082/127.0.0.1:$replica_port/" deploy/nginx/quarry-replicas.conf)"
    [[ "$1" == 2 ]] || site="$(grep -v "127.0.0.1:$replica_port" <<<"$site")"
    cat >"$prefix/nginx.conf" <<EOF
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $prefix/body;
    proxy_temp_path $prefix/proxy;
$site
}
EOF
    nginx -p "$prefix" -c "$prefix/nginx.conf"
}

stop_nginx() {
    local pid_file="$data/nginx/nginx.pid"
    [[ -f "$pid_file" ]] && kill "$(cat "$pid_file")" 2>/dev/null || true
    sleep 0.5
}

cleanup() { stop_nginx; stop_quarry primary; stop_quarry replica; }
trap cleanup EXIT

# search PORT QUERY: prints the sources of the top 5 passages, one per line.
search() {
    curl -sf -X POST "http://127.0.0.1:$1/v1/collections/course/search" \
        -H 'Content-Type: application/json' \
        -d "{\"query\": \"$2\", \"top_k\": 5, \"mode\": \"keyword\"}" |
        python3 -c 'import json, sys; [print(r["source"]) for r in json.load(sys.stdin)["results"]]'
}

fail() { echo "replicas: FAILED: $*" >&2; exit 1; }

step "checks: writes reach the primary, syncs reach the replica, reads survive a replica restart"
start_quarry primary "$primary" "$primary_port"
start_quarry replica "$replica" "$replica_port"
start_nginx 2
marker="复制检查$(date +%s)"
check_source="replica-check-$(date +%s).md"    # new on every run: earlier runs' documents stay
curl -sf -X POST "http://127.0.0.1:$nginx_port/v1/collections/course/documents" \
    -H "Authorization: Bearer $(cat "$token_file")" -H 'Content-Type: application/json' \
    -d "{\"documents\": [{\"source\": \"$check_source\", \"text\": \"$marker 这一段只写给主节点。\"}]}" >/dev/null \
    || fail "writing a document through nginx"
search "$primary_port" "$marker" | grep -qxF "$check_source" || fail "the primary does not find the new document"
search "$replica_port" "$marker" | grep -qxF "$check_source" && fail "the replica found a document before any sync"

stop_quarry replica
reads_ok=0
for _ in $(seq 20); do
    search "$nginx_port" "向量数据库" >/dev/null && reads_ok=$((reads_ok + 1))
done
[[ $reads_ok == 20 ]] || fail "only $reads_ok of 20 reads succeeded through nginx while the replica was down"
deploy/replica-sync.sh "$primary" "$replica" "$data/snapshots" >>"$out/sync.log"
start_quarry replica "$replica" "$replica_port"
search "$replica_port" "$marker" | grep -qxF "$check_source" || fail "the replica does not find the document after a sync"
echo "checks passed: write → primary only; 20/20 reads while the replica was down; sync → replica" | tee "$out/checks.txt"
cleanup

# measure LABEL REPLICAS PINNED: wrk through nginx at each concurrency.
measure() {
    local label="$1" replicas="$2" pinned="$3"
    local cpu0="" cpu1=""
    [[ "$pinned" == yes ]] && cpu0=0 cpu1=1
    start_quarry primary "$primary" "$primary_port" "$cpu0"
    [[ "$replicas" == 2 ]] && start_quarry replica "$replica" "$replica_port" "$cpu1"
    start_nginx "$replicas"
    local clients
    for clients in $concurrency; do
        run_wrk "http://127.0.0.1:$nginx_port" course "$clients" "$duration" \
            >"$out/wrk-$label-c$clients.json"
        python3 - "$label" "$replicas" "$pinned" "$clients" "$out/wrk-$label-c$clients.json" >>"$out/rows.tsv" <<'PY'
import json, sys
label, replicas, pinned, clients, path = sys.argv[1:]
r = json.load(open(path))
print("\t".join([label, replicas, pinned, clients, f'{r["qps"]:.1f}', f'{r["p50_ms"]:.1f}',
                 f'{r["p95_ms"]:.1f}', f'{r["p99_ms"]:.1f}', str(r["errors"])]))
PY
    done
    cleanup
}

step "throughput through nginx (${duration} s per run)"
: >"$out/rows.tsv"
measure one-replica 1 no
measure two-replicas 2 no
measure one-replica-pinned 1 yes
measure two-replicas-pinned 2 yes

python3 - "$out/rows.tsv" >"$out/table.md" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
qps = {(r[2], r[3], r[1]): float(r[4]) for r in rows}
print("| servers | one core each | clients | QPS | p50 ms | p95 ms | p99 ms | errors | QPS vs 1 replica |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for label, replicas, pinned, clients, q, p50, p95, p99, errors in rows:
    base = qps.get((pinned, clients, "1"))
    ratio = f"{float(q) / base:.2f}×" if base else "–"
    print(f"| {replicas} | {pinned} | {clients} | {q} | {p50} | {p95} | {p99} | {errors} | {ratio} |")
PY
cat "$out/checks.txt" "$out/table.md"
echo "results: $out" >&2
