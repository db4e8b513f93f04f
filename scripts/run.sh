#!/usr/bin/env bash
# run.sh — set up, build a release binary, make sure the demo collections are
# ingested (unchanged files are skipped, so a second start is quick), and serve
# them with the web UI at http://127.0.0.1:8080/.
# Environment: QUARRY_HOST (127.0.0.1), QUARRY_PORT (8080), QUARRY_DATA (./data).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DATA="${QUARRY_DATA:-data}"

scripts/setup.sh
source scripts/faiss-env.sh
swift build -c release --product quarry
quarry=.build/release/quarry

echo "== demo collections"
# The bundled sample course: Markdown, and the same material as slides, Word and PDF.
"$quarry" ingest --data "$DATA" --collection course courses/sample/markdown
"$quarry" ingest --data "$DATA" --collection course-formats courses/sample/slides courses/sample/docx courses/sample/pdf
# The easy-vecdb course on vector databases (vendored, Apache-2.0).
"$quarry" ingest --data "$DATA" --collection easy-vecdb courses/easy-vecdb
# Product images: the Fashion-MNIST test split (10,000 images, IVF index); nprobe tuned once.
"$quarry" import fashion-mnist --data "$DATA" --collection fashion --split test
if [ ! -f "$DATA/fashion/tune/report.json" ]; then
    "$quarry" tune --data "$DATA" --collection fashion
fi

# Writes need a token: one is made on first start, readable by this user only.
TOKEN_FILE="$DATA/admin-token"
if [ ! -s "$TOKEN_FILE" ]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$TOKEN_FILE")
fi
chmod 600 "$TOKEN_FILE"
echo "== admin token in $TOKEN_FILE (mode 0600); write routes need it:"
echo "   curl -H \"Authorization: Bearer \$(cat $TOKEN_FILE)\" ..."

exec "$quarry" serve \
    --data "$DATA" \
    --admin-token-file "$TOKEN_FILE" \
    --default-collection course \
    --host "${QUARRY_HOST:-127.0.0.1}" \
    --port "${QUARRY_PORT:-8080}"
