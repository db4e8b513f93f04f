#!/usr/bin/env bash
# run.sh — set up, build a release binary and serve the data folder.
# Environment: QUARRY_HOST (127.0.0.1), QUARRY_PORT (8080), QUARRY_DATA (./data).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh
swift build -c release --product quarry
mkdir -p "${QUARRY_DATA:-data}"
exec .build/release/quarry serve \
    --host "${QUARRY_HOST:-127.0.0.1}" \
    --port "${QUARRY_PORT:-8080}" \
    --data "${QUARRY_DATA:-data}"
