#!/usr/bin/env bash
# setup-venv.sh NAME — create (or refresh) the Python venv of one reference peer:
#   benchmarks/.venv-ref-NAME  with benchmarks/reference/requirements-NAME.txt
# Idempotent: a marker inside the venv records the requirements' SHA-256; when it
# matches, nothing is installed. torch, where a peer needs it, is the CPU wheel
# from pip's find-links folder ($PIP_FIND_LINKS), pinned as torch==2.13.0+cpu.
# Prints the venv's python path on the last line of stdout.
set -euo pipefail

name="${1:?usage: setup-venv.sh NAME (a requirements-NAME.txt beside this script)}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$here/requirements-$name.txt"
[[ -f "$requirements" ]] || { echo "setup-venv: no $requirements" >&2; exit 2; }
venv="$(cd "$here/.." && pwd)/.venv-ref-$name"
marker="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [[ -x "$venv/bin/python" && -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    echo "$venv/bin/python"
    exit 0
fi

python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null || python=python3
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    ${PIP_FIND_LINKS:+--find-links "$PIP_FIND_LINKS"} -r "$requirements" >&2
echo "$want" >"$marker"
echo "$venv/bin/python"
