#!/usr/bin/env bash
# system-test.sh — end-to-end tests of a built quarry binary on real data:
#   1. builds a throwaway data folder: the sample course, and the whole
#      Fashion-MNIST test split (10,000 images) with `quarry import`;
#   2. runs `quarry tune` on the image collection;
#   3. serves the folder with a random admin token (a 0600 file in the data
#      folder; writes need it) and runs, in a Python venv (.venv-systest):
#      Tests/System/image_quality_test.py — robustness to flips, crops and
#        brightness through the HTTP API, and the tune report's recall and
#        leave-one-out precision (IVF within 0.01 of Flat);
#      Tests/System/clipart_test.py — a real third-party collection (13 categories of
#        Debian's openclipart-png, linked into one folder): every PNG Pillow opens is
#        stored or reported as a duplicate, and mirrored, cropped, half-size, JPEG and
#        darker copies of 100 random picks find their original at rank 1 ≥ 95 times,
#        and `duplicate_of` flags them against unrelated drawings with precision ≥ 0.95
#        and recall ≥ 0.9;
#      Tests/System/crash_test.py — a server killed with SIGKILL 20 times during a
#        seeded random sequence of document, image and reindex writes agrees with a
#        model of the acknowledged writes after every restart;
#      Tests/System/hostile_client_test.py — the attacks of issue #15 (malformed
#        multipart, extreme images and queries, bad factories, slow and broken
#        connections, writes without the token) against servers of its own: 4xx
#        or a correct answer, no crash, /health under 100 ms throughout;
#      Tests/System/load_test.py — unique searches from 16 clients (none degraded
#        or refused) and 256 clients (p95 within the 500 ms objective, no error);
#      Tests/System/ui_test.py — the web UI in headless Chromium, which also
#        refreshes the README's screenshots in docs/screenshots;
#      Tests/System/soak_test.py — 1 minute of mixed searches, document writes and
#        deletes: no 5xx, no acknowledged write lost, stable file descriptors;
#      Tests/System/cluster_test.py — a PostgreSQL primary with a synchronous
#        standby, nginx and three `quarry serve --cluster-url` nodes: writes through
#        random nodes visible everywhere, SIGKILL of a node and of the primary (then
#        promotion) losing no acknowledged write, a node started empty converging, a
#        collection of 2 shards x 2 replicas answering what one Flat index answers;
#      clients/python/tests — the Python client (pip-installed with its LangChain and
#        LlamaIndex extras, and built as a wheel) against a server of its own: every
#        method, error mapping, retries, an alias moved 100 times under searches, both
#        retrievers and the two examples in examples/;
#      Tests/System/api_fuzz_test.py — Schemathesis fuzzes every route of
#        /openapi.json (no 5xx, every answer as documented);
#      Tests/System/http_fuzz_test.py — 60 s of mutated raw HTTP requests (no
#        crash, no 5xx, no hang); the two fuzzers come last as they write.
#      The tests that write get the token as QUARRY_ADMIN_TOKEN. The test venv and the cluster,
#      crash and client tests, which start servers of their own and leave the CPUs half idle, run
#      in a side lane beside the imports; it is joined before the tests of the served folder.
#
#   scripts/system-test.sh .build/release/quarry
#   QUARRY_SYSTEM_TESTS="soak" scripts/system-test.sh …   (only the tests named: image_quality,
#       clipart, crash, client, cluster, hostile_client, load, ui, soak, api_fuzz, http_fuzz; default all)
#
# Needs the Debian packages chromium, chromium-driver and openclipart-png (scripts/setup.sh
# --with-test-tools), python3-venv, and PyPI (selenium, pillow, schemathesis) on the first
# run; Selenium Manager never downloads anything.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 QUARRY_BINARY" >&2
    exit 2
fi
QUARRY="$(realpath "$1")"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export SE_OFFLINE=true

[ -x "$QUARRY" ] || { echo "system-test: $QUARRY is not an executable" >&2; exit 1; }
for program in "$CHROMIUM" "$CHROMEDRIVER"; do
    [ -x "$program" ] || { echo "system-test: $program missing: apt-get install chromium chromium-driver" >&2; exit 1; }
done
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    echo "system-test: warning: no Chinese font installed (fonts-wqy-microhei); the course screenshot will show boxes" >&2
fi

# The server under test gets its own token below, whatever this shell holds.
unset QUARRY_ADMIN_TOKEN QUARRY_ADMIN_TOKEN_FILE

DATA="$(mktemp -d -t quarry-system-test.XXXXXX)"
SERVER_PID=""
SIDE_LANE_PID=""
source "$ROOT/scripts/lib/processes.sh"
cleanup() {
    local status=$?
    if [ -n "$SIDE_LANE_PID" ]; then
        stop_tree "$SIDE_LANE_PID"
        wait "$SIDE_LANE_PID" 2>/dev/null || true
        echo "== the side lane, stopped early" >&2
        cat "$DATA/side-lane.log" >&2 || true
    fi
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ -s "$DATA/serve.log" ]; then
        echo "== last lines of the server log" >&2
        tail -n 40 "$DATA/serve.log" >&2
    fi
    rm -rf "$DATA"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# selected NAME: whether QUARRY_SYSTEM_TESTS (default: all) names the test NAME.
selected() {
    [ -z "${QUARRY_SYSTEM_TESTS:-}" ] || [[ " $QUARRY_SYSTEM_TESTS " == *" $1 "* ]]
}

source "$ROOT/scripts/lib/stage.sh"

# Writes need the admin token: a random one, in a file only this user can read.
TOKEN_FILE="$DATA/admin-token"
(umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(32))' >"$TOKEN_FILE")
chmod 600 "$TOKEN_FILE"
ADMIN_TOKEN="$(cat "$TOKEN_FILE")"

VENV="$ROOT/.venv-systest"

# The side lane: the test venv, then the tests that start servers of their own and mostly wait
# on them (a third to half of the CPUs busy), beside the imports below, which keep the CPUs busy;
# its output is printed when it is joined, before the first test that needs the venv.
side_lane() {
    stage "test venv ($VENV)"
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    if ! cmp -s Tests/System/requirements.txt "$VENV/requirements.installed"; then
        "$VENV/bin/pip" install --quiet --disable-pip-version-check -r Tests/System/requirements.txt
        cp Tests/System/requirements.txt "$VENV/requirements.installed"
    fi
    if selected cluster; then
        stage "cluster_test.py (PostgreSQL primary + synchronous standby, nginx, three cluster nodes)"
        python3 Tests/System/cluster_test.py --quarry "$QUARRY" --report "$DATA/cluster-report.json"
        cat "$DATA/cluster-report.json"
        echo
    fi
    if selected crash; then
        stage "crash_test.py (SIGKILL during random writes, 20 times, checked against a model)"
        QUARRY_ADMIN_TOKEN="$ADMIN_TOKEN" "$VENV/bin/python" Tests/System/crash_test.py --quarry "$QUARRY" --kills 20
    fi
    if selected client; then
        stage "clients/python (quarry-client with its LangChain and LlamaIndex extras, against a server of its own)"
        CLIENT_VENV="$ROOT/.venv-client"
        [ -x "$CLIENT_VENV/bin/python" ] || python3 -m venv "$CLIENT_VENV"
        "$CLIENT_VENV/bin/pip" install --quiet --disable-pip-version-check "./clients/python[langchain,llamaindex,test]"
        "$CLIENT_VENV/bin/pip" wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$DATA/wheel" ./clients/python
        QUARRY_BIN="$QUARRY" "$CLIENT_VENV/bin/python" -m pytest -q -p no:cacheprovider clients/python/tests
    fi
    stage "side lane done"
}
stage "side lane started (test venv, cluster, crash, client; output below when it ends)"
side_lane >"$DATA/side-lane.log" 2>&1 &
SIDE_LANE_PID=$!

# join_side_lane: waits for the side lane, prints its output, and fails when it failed.
join_side_lane() {
    local status=0
    wait "$SIDE_LANE_PID" || status=$?
    SIDE_LANE_PID=""
    stage "side lane joined (exit status $status)"
    cat "$DATA/side-lane.log"
    [ "$status" -eq 0 ] || { echo "system-test: the side lane failed" >&2; exit "$status"; }
}

# The imports yield to the side lane's servers (nice), whose answers are timed.
stage "data folder $DATA"
nice -n 10 "$QUARRY" ingest --data "$DATA" --collection course courses/sample/markdown
# The image collection, for the tests that search it.
if selected image_quality || selected ui || selected api_fuzz || selected http_fuzz; then
    stage "Fashion-MNIST import and tune"
    nice -n 10 "$QUARRY" import fashion-mnist --data "$DATA" --collection fashion --split test
    nice -n 10 "$QUARRY" tune --data "$DATA" --collection fashion --report "$DATA/tune"
fi

# A real third-party image collection: categories of Debian's openclipart-png (public domain),
# linked into one folder, ingested with a report (food holds twelve 168-megapixel drawings).
# QUARRY_CLIPART_CATEGORIES names others, or "all" for the whole collection (8,121 files, 6 to 7 minutes).
CLIPART_FOLDER="$DATA/clipart-source"
if selected clipart; then
    if [ "${QUARRY_CLIPART_CATEGORIES:-}" = "all" ]; then
        CLIPART_FOLDER=/usr/share/openclipart/png
    else
        mkdir -p "$CLIPART_FOLDER"
        for category in ${QUARRY_CLIPART_CATEGORIES:-animals buildings containers decorations education electronics food \
            logos office people plants science tools}; do
            ln -s "/usr/share/openclipart/png/$category" "$CLIPART_FOLDER/$category"
        done
    fi
    stage "openclipart ingest"
    nice -n 10 "$QUARRY" ingest-images --data "$DATA" --collection clipart "$CLIPART_FOLDER" \
        --report "$DATA/clipart-report.jsonl" --allow-failures 2>"$DATA/clipart-ingest.log"
fi

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE_URL="http://127.0.0.1:$PORT"
stage "quarry serve on $BASE_URL"
"$QUARRY" serve --data "$DATA" --host 127.0.0.1 --port "$PORT" --default-collection course \
    --admin-token-file "$TOKEN_FILE" >"$DATA/serve.log" 2>&1 &
SERVER_PID=$!

# Waits up to 120 s for GET /ready; gives up at once when the server exits.
ready=""
deadline=$((SECONDS + 120))
while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "system-test: quarry serve exited early" >&2
        exit 1
    fi
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$BASE_URL/ready" 2>/dev/null; then
        ready=yes
        break
    fi
    sleep 0.5
done
[ -n "$ready" ] || { echo "system-test: $BASE_URL/ready did not answer within 120 s" >&2; exit 1; }

join_side_lane

if selected image_quality; then
    stage "image_quality_test.py"
    "$VENV/bin/python" Tests/System/image_quality_test.py --base-url "$BASE_URL" --collection fashion --tune-report "$DATA/tune/report.json"
fi
if selected clipart; then
    stage "clipart_test.py"
    "$VENV/bin/python" Tests/System/clipart_test.py --base-url "$BASE_URL" --collection clipart --folder "$CLIPART_FOLDER" \
        --report "$DATA/clipart-report.jsonl"
fi
if selected hostile_client; then
    stage "hostile_client_test.py (the attacks of issue #15, against servers of its own)"
    "$VENV/bin/python" Tests/System/hostile_client_test.py --quarry "$QUARRY"
fi
if selected load; then
    stage "load_test.py (unique searches from 16 and 256 clients: shedding by time, 500 ms objective)"
    "$VENV/bin/python" Tests/System/load_test.py --base-url "$BASE_URL" --clients 16,256 --seconds "${QUARRY_LOAD_SECONDS:-15}"
fi
if selected ui; then
    stage "ui_test.py"
    "$VENV/bin/python" Tests/System/ui_test.py --base-url "$BASE_URL" --screenshots docs/screenshots
fi
if selected soak; then
    stage "soak_test.py (mixed reads and writes; make bench-soak runs 30 minutes)"
    QUARRY_ADMIN_TOKEN="$ADMIN_TOKEN" "$VENV/bin/python" Tests/System/soak_test.py --base-url "$BASE_URL" \
        --server-pid "$SERVER_PID" --seconds "${QUARRY_SOAK_SECONDS:-60}"
fi
# Last: the fuzzers add documents, delete items and rebuild indexes on this server.
if selected api_fuzz; then
    stage "api_fuzz_test.py (Schemathesis from /openapi.json, at least 1,000 requests, no 5xx)"
    QUARRY_ADMIN_TOKEN="$ADMIN_TOKEN" "$VENV/bin/python" Tests/System/api_fuzz_test.py --base-url "$BASE_URL"
fi
if selected http_fuzz; then
    stage "http_fuzz_test.py (mutated raw HTTP requests for 60 s: no crash, no 5xx, no hang)"
    QUARRY_ADMIN_TOKEN="$ADMIN_TOKEN" "$VENV/bin/python" Tests/System/http_fuzz_test.py --base-url "$BASE_URL" \
        --seconds 60 --seed "${QUARRY_HTTP_FUZZ_SEED:-20261125}" --server-pid "$SERVER_PID"
fi
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "system-test: quarry serve is no longer running after the fuzzers" >&2
    exit 1
fi
stage "system tests done"
