#!/usr/bin/env bash
# Idempotently create the Python venv used by the faiss-cpu side of the benchmark:
#   benchmarks/.venv-faiss  with numpy + faiss-cpu at the pinned versions below.
# Prints the venv's python path on the last line of stdout.
set -euo pipefail

NUMPY_VERSION="2.4.6"
FAISS_CPU_VERSION="1.15.1"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(cd "$here/.." && pwd)/.venv-faiss"
py="$venv/bin/python"

# Fast path: already set up with the pinned versions.
if [[ -x "$py" ]] && "$py" - "$NUMPY_VERSION" "$FAISS_CPU_VERSION" >/dev/null 2>&1 <<'PY'
import sys, importlib.metadata as md
ok = (md.version("numpy") == sys.argv[1] and md.version("faiss-cpu") == sys.argv[2])
import faiss, numpy  # noqa: F401  (also checks they import)
sys.exit(0 if ok else 1)
PY
then
    echo "$py"
    exit 0
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
    echo "setup-venv: need Python >= 3.9 (set PYTHON=...)" >&2
    exit 1
fi
# Debian's python3 needs python3-venv (ensurepip) to create venvs.
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
        echo "setup-venv: installing python3-venv" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >&2 \
            || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >&2; }
    else
        echo "setup-venv: $python cannot create venvs (install python3-venv)" >&2
        exit 1
    fi
fi

if [[ ! -x "$py" ]]; then
    echo "setup-venv: creating $venv" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv" >&2
fi
"$py" -m pip install -q --disable-pip-version-check \
    "numpy==$NUMPY_VERSION" "faiss-cpu==$FAISS_CPU_VERSION" >&2
"$py" -c 'import faiss, numpy; print("setup-venv: faiss-cpu", faiss.__version__, "numpy", numpy.__version__)' >&2
echo "$py"
