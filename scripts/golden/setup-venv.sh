#!/usr/bin/env bash
# Create (or refresh) .venv-golden at the repository root with the reference
# implementations the golden generators need (see requirements.txt here).
# Idempotent: a marker file inside the venv records the SHA-256 of
# requirements.txt; when it matches, nothing is done.
#
# Python: 3.11 (the local CPU torch wheel is cp311). Override with PYTHON=...
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="$ROOT/.venv-golden"
REQ="$HERE/requirements.txt"
MARK="$VENV/.requirements.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"

if [[ -f "$MARK" && "$(cat "$MARK")" == "$want" && -x "$VENV/bin/python" ]]; then
    echo "golden venv: up to date ($VENV)"
    exit 0
fi

PY="${PYTHON:-}"
if [[ -z "$PY" ]]; then
    for c in python3.11 /usr/bin/python3.11; do
        if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import venv, ensurepip' >/dev/null 2>&1; then PY="$c"; break; fi
    done
fi
[[ -n "$PY" ]] || { echo "setup-venv: need python3.11 with venv/ensurepip (set PYTHON=...)" >&2; exit 1; }

if [[ ! -x "$VENV/bin/python" ]]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ${PIP_FIND_LINKS:+--find-links "$PIP_FIND_LINKS"} -r "$REQ"
echo "$want" > "$MARK"
echo "golden venv: installed ($VENV)"
